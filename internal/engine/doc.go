// Package engine is kubestate's concurrency core: informers feed per-object metric records, a timer
// snapshots them into pdata batches, and each batch goes to the next consumer under a deadline.
// An informer here is a client-go reflector whose store is a queue (queue.go): each object is turned
// into its Record as it is decoded and published at once; no object is cached or queued. Its
// ListerWatcher is wrapped (health.go) so every failed List or Watch call is seen, also those the
// reflector retries without telling anyone; ReadErr says which resources are stale.
//
// A cycle also exports, once, every series an earlier cycle may have delivered and this one does not
// (deleted objects, changed label values), flagged NoRecordedValue, before the live points of the
// same Store: consumers drop series at once, as a Prometheus scrape of KSM would. "May have
// delivered" is the last cycle delivered whole plus, of every cycle since that was cut or had a batch
// refused, the records in batches handed on before its deadline. An object deleted and created again
// under the same identity (in another slot) is compared with its new record, so the series it still
// has are not ended. Stale points are stamped 1 ms before the cycle's live points, after the last
// cycle's (stale.go; TestStalePointsForSeriesFirstDeliveredByFailedCycle,
// TestRecreatedObjectKeepsItsSeriesAndStaleStampsPrecedeLive).
//
// With Config.ResendInterval, a cycle sends a record only when a consumer may not hold it already
// (new, changed in content, or a delivery since the last whole cycle was partial) or when its slot's
// heartbeat is due, every ResendInterval/CollectionInterval cycles, spread evenly over slots; the first
// cycle after SetExporting(true) sends everything. Stale points are unchanged.
// (TestResendChangesAndHeartbeats, TestResendIntervalAndNewLeaderSendsAll)
//
//	kube-apiserver --list/watch--> reflector --queue: strip, Record (immutable), atomic publish--> Store
//	ticker --> one cycle at a time --> snapshot Stores --> batches of <= MaxDataPointsPerBatch --> consumer
//
// A SourceSchema (schema.go) renames a Source's families as batches are built (k8s_cluster's
// names, the semantic conventions'): records and stores stay schema-free, each object becomes a resource of its own, and
// batches stay bounded; several families may feed one metric. (TestSchemaOneResourcePerObjectAndContainer,
// TestSchemaBatchesBoundedAndResourcesSplitAcrossBatches, TestSchemaStalePointsOfDeletedObject,
// TestSchemaMetricFedBySeveralFamiliesFixedAndConvertedAttrs)
//
// A Record may carry labels of its object (RecordBuilder.ObjectLabel, object_labels_as_attributes),
// built with it once per object update: under KSM's names every point of the record gets them as
// attributes, under a SourceSchema every resource of the object; an attribute of the same key that
// the point, the schema or ResourceAttributes sets wins. They are part of the record's content and
// of each of its series: a change ends the old series with stale points and is sent whatever
// ResendInterval holds back. (TestObjectLabelsOnEverySeriesFamilyLabelWins,
// TestObjectLabelsAsResourceAttributesUnderSchema, TestObjectLabelChangeEndsTheOldSeries,
// TestObjectLabelsPendingVersionsEachEnded)
//
// Files: engine.go (lifecycle, timer, cycles), source.go (what a resource supplies), queue.go (a
// reflector's store: objects to Records), record.go (Record, its Cursor, RecordBuilder), store.go
// (Store), snapshot.go (Stores to batches), schema.go (other naming schemas), stale.go (what earlier cycles delivered, stale points),
// health.go (List/Watch outcomes), shard.go (KSM's shard assignment), shardwire.go (a shard's API
// clients cut other shards' objects from the apiserver's protobuf responses before they are decoded;
// every client reads protobuf watch streams ahead). Test-only exports live in
// export_test.go.
//
// Invariants, each with a test in this package:
//
//  1. Handlers (the queue, in each reflector's goroutine) never wait on a snapshot, an export or a
//     consumer. No lock is held across ConsumeMetrics, across building a batch, or across any I/O.
//     (TestHandlersNeverWaitOnConsumer)
//  2. The snapshot takes no lock a handler takes: a Store is written by exactly one goroutine (its
//     reflector's, through the queue) and read through atomics only. (TestStoreConcurrentReadersAndWriter)
//  3. Every point of an object in one snapshot comes from one version of the object: records are
//     immutable and a snapshot loads each slot once. (TestSnapshotNeverTearsAnObject)
//  4. Each ConsumeMetrics gets a context derived from the engine's lifetime context with a deadline:
//     a fair share of what is left of the cycle's ExportTimeout, so a consumer that hangs until its
//     deadline costs at most ExportTimeout per cycle and never a batch of its siblings. At most one
//     cycle is in flight; a tick that finds one running is skipped and counted, never queued. A
//     cycle held past ExportTimeout by a consumer ignoring its context is reported (Hooks.Stuck,
//     StuckFor) and its remaining batches are dropped when the consumer returns. Shutdown cancels
//     the cycle in flight and returns in bounded time with no goroutine left behind.
//     (TestExportCutAtTimeout, TestHungSiblingCostsEachBatchItsShareNeverBatches, TestSkippedTicks,
//     TestStuckConsumerIsReportedAndTheNextCycleIsFresh, TestShutdownDuringHungExport,
//     TestShutdownBoundedWhileConsumerIgnoresContext)
//  5. A snapshot's pdata memory is bounded by MaxDataPointsPerBatch: each batch is handed on before the
//     next is built. (TestBatchesBoundedByMaxDataPointsPerBatch)
//  6. Informer caches hold only what families read: the queue has the Source strip each object and
//     turn it into its Record as it is decoded, and keeps just the Record (the watch-list buffer of
//     the initial sync holds Records too); the object itself is never cached. (tested per resource
//     in package resources, and in TestInformerCachesHoldOnlyWhatFamiliesRead)
//  7. The engine knows nothing of Kubernetes kinds: a Source supplies informers and turns objects
//     into Records, so new resources, custom resources, sharding and other naming schemas plug in
//     as Sources.
//  8. A Renderer (the pull path, package exposition) gets the whole snapshot on a timer of its
//     own, apart from export cycles: a consumer that holds a cycle, even ignoring its context,
//     never delays a render; with PullOnly no export cycle runs at all.
//     (TestRenderNotHeldByHungConsumer, TestPullOnlyExportsNothing)
//  9. Sources may be added and removed while the engine runs (custom resources whose CRDs come and
//     go): the set of sources is replaced whole, so readers never lock; a removed source's
//     informers have returned when RemoveSource does, the next cycle sends a stale point for each
//     series it may have delivered, and once a cycle is delivered whole nothing of it is kept.
//     (TestSourceAddedAndRemovedAtRuntime)
package engine
