// Package customresource is KSM's custom resource state (CRS): a CustomResourceStateMetrics
// config, accepted unchanged, compiled into a table of metrics per configured resource and
// evaluated on unstructured objects into points with KSM's names, labels and values.
//
//	Parse (YAML, as KSM decodes it) -> Compile (checked; Resource, Metric, Path) -> Bind (one
//	served group/version/kind) -> Evaluate (object -> samples per metric)
//
// Semantics, each with its test in this package:
//
//  1. Every example of KSM v2.20.0's CRS documentation, and cases of our own for paths and value
//     conversions, gives exactly the series KSM's own pkg/customresourcestate gives on the same
//     config and objects (testdata/customresource/*/want.txt, written by tools/ksm/crsgolden).
//     (TestGoldenKSMExamples)
//  2. Names: metricNamePrefix absent is kube_customresource, "" is none, else prefix_name; each.type
//     is read in any case. (TestTypeIsCaseInsensitiveAndPrefixes)
//  3. Labels of a point, later ones winning: the resource's commonLabels; customresource_group,
//     _version and _kind of the bound group/version/kind; the metric's commonLabels; the resource's
//     and metric's labelsFromPath read on the object; then the point's own labels (labelFromKey,
//     stateSet labelName, each.labelsFromPath on its value), which replace all the above. Keys from
//     paths are sanitized ([^a-zA-Z0-9_] to "_"); "*" keys copy an object's fields ("p_*" prefixes
//     them) before plain keys. KSM adds no name or namespace label of its own: configs take them
//     from [metadata, name] and [metadata, namespace]. (TestReservedLabels, TestSanitizeLabelName,
//     TestGoldenKSMExamples)
//  4. Paths: a missing step yields nil and ends the path; "[k=v]" selects a list's first object whose
//     k equals v (as string, number or bool); "k=v" on an object yields v when the field k is v;
//     numeric steps index lists, negative from the end. (TestPathGet)
//  5. Values: numbers, bools, "true"/"yes"/"false"/"no"/"unknown" in any case, RFC3339 times (Unix
//     seconds), quantities, percentages ("28%" is 0.28), then ParseFloat. (TestToFloat)
//  6. Bad input never panics and never stops other metrics: Compile refuses a bad config with an
//     error naming the resource (index and group/version/kind), the metric (index and name) and
//     the field; Evaluate returns each metric's errors (an EvalError naming metric and path) and
//     still evaluates the others. Compile refuses, beyond KSM, what KSM would turn into an
//     exposition Prometheus cannot parse: invalid metric names, invalid commonLabels keys,
//     labelFromKey and stateSet labelName. (TestCompileErrorsNameResourceMetricAndField,
//     TestEvaluationErrorsNameMetricAndPath, FuzzEvaluate)
//  7. A Source is one bound resource in the engine: a record per object with a point per sample,
//     metrics of one name sharing a family; tombstones and other non-objects give no record. A
//     point with every label its metric can have (Bound.Keys: all label paths resolved) takes its
//     keys from its family and stores only its values; any other keeps its own keys.
//     (TestSourceRecordAndTombstones, TestSourcePointsWithTheirFamilysKeysKeepNone,
//     TestGoldenKSMExamples)
//  8. Discovery keeps exactly one source per configured resource and served group/version/kind a
//     CRD defines ("*" and empty version or kind match any; built-in kinds never, as KSM): a CRD
//     created after start adds its sources, a version no longer served or a CRD deleted removes
//     them, and a removed source leaves no goroutine. One goroutine applies changes, in order;
//     a CRD change that alters no binding (group, kind, plural, scope, served versions) touches
//     nothing. (TestDiscoveryFollowsCRDs)
package customresource
