package engine

import (
	"context"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// labelled is thing's record (stale_test.go) with object labels, given as key/value pairs:
// label_<key> under KSM's names, k8s.thing.label.<key> as resource attributes.
func labelled(ns, name string, xs []string, familyLabels map[string]string, objectLabels ...string) *Record {
	plain := thing(ns, name, xs, 0, familyLabels)
	var b RecordBuilder
	for i := 0; i < len(objectLabels); i += 2 {
		b.ObjectLabel("label_"+objectLabels[i], "k8s.thing.label."+objectLabels[i], objectLabels[i+1])
	}
	for _, p := range plain.Points(staleSource{}.Families()) {
		if p.Keys != nil && p.Family == 2 {
			b.AddKV(p.Family, p.Value, p.Keys, p.Values)
		} else {
			b.Add(p.Family, p.Value, p.Values)
		}
	}
	return b.Build(plain.Prefix())
}

func liveSeries(points []exported) []string {
	var out []string
	for _, p := range points {
		if !p.stale {
			out = append(out, p.series)
		}
	}
	slices.Sort(out)
	return out
}

// Under KSM's names every series of a labelled object carries its object labels as data point
// attributes; where a family has an attribute of the same key (a *_labels family's label_app),
// the family's own value is kept. A record's points, prefix and identity are those it would have
// without object labels.
func TestObjectLabelsOnEverySeriesFamilyLabelWins(t *testing.T) {
	rec := labelled("ns", "a", []string{"1"}, map[string]string{"app": "from-family"}, "app", "from-object", "team", "pay")
	plain := thing("ns", "a", []string{"1"}, 0, map[string]string{"app": "from-family"})
	if !slices.EqualFunc(rec.Points(staleSource{}.Families()), plain.Points(staleSource{}.Families()), func(p, q Point) bool {
		return p.Family == q.Family && p.Value == q.Value && slices.Equal(p.Keys, q.Keys) && slices.Equal(p.Values, q.Values)
	}) || !slices.Equal(rec.Prefix(), plain.Prefix()) || rec.identity() != plain.identity() {
		t.Fatalf("object labels changed the record's points or identity: %v / %v", rec.Points(staleSource{}.Families()), rec.Prefix())
	}
	if k, rk, v := rec.ObjectLabel(1); rec.ObjectLabels() != 2 || k != "label_team" || rk != "k8s.thing.label.team" || v != "pay" {
		t.Fatalf("object label 1: %q %q %q of %d", k, rk, v, rec.ObjectLabels())
	}
	// An object label named as a prefix or family label never replaces it.
	var b RecordBuilder
	b.ObjectLabel("namespace", "k8s.thing.label.namespace", "not-the-namespace")
	b.ObjectLabel("x", "k8s.thing.label.x", "not-x")
	b.Add(0, 1, []string{"1"})
	st := NewStore()
	st.Put("ns/a", rec)
	st.Put("ns/b", thing("ns", "b", []string{"1"}, 0, nil)) // no object labels: nothing added
	st.Put("ns/c", b.Build([]string{"ns", "c"}))
	got, _ := collectWith(t, st, nil)
	want := []string{
		"thing_info{label_app=from-object,label_team=pay,namespace=ns,thing=a,x=1}",
		"thing_info{namespace=ns,thing=b,x=1}",
		"thing_info{namespace=ns,thing=c,x=1}",
		"thing_labels{label_app=from-family,label_team=pay,namespace=ns,thing=a}",
		"thing_labels{namespace=ns,thing=b}",
		"thing_restarts_total{label_app=from-object,label_team=pay,namespace=ns,thing=a}",
		"thing_restarts_total{namespace=ns,thing=b}",
	}
	if l := liveSeries(got); !slices.Equal(l, want) {
		t.Fatalf("series\n%s\nwant\n%s", strings.Join(l, "\n"), strings.Join(want, "\n"))
	}
}

// A label change makes every series of the object another series: the old ones get stale
// points (with the old label), the new ones are live, in the same cycle; a record whose labels
// changed is sent even when resend_interval would hold it back.
func TestObjectLabelChangeEndsTheOldSeries(t *testing.T) {
	st := NewStore()
	last := newLastExported()
	st.Put("ns/a", labelled("ns", "a", []string{"1"}, nil, "app", "web"))
	if got, _ := collectWith(t, st, last); len(staleOnes(got)) != 0 || len(liveSeries(got)) != 3 {
		t.Fatalf("first cycle: %v", got)
	}
	// Same labels, new version: nothing stale.
	st.Put("ns/a", labelled("ns", "a", []string{"1"}, nil, "app", "web"))
	if got, _ := collectWith(t, st, last); len(staleOnes(got)) != 0 {
		t.Fatalf("unchanged labels: stale %v", staleOnes(got))
	}
	st.Put("ns/a", labelled("ns", "a", []string{"1"}, nil, "app", "shop"))
	got, _ := collectWith(t, st, last)
	wantStale := []string{
		"thing_info{label_app=web,namespace=ns,thing=a,x=1}",
		"thing_labels{label_app=web,namespace=ns,thing=a}",
		"thing_restarts_total{label_app=web,namespace=ns,thing=a}",
	}
	if s := staleOnes(got); !slices.Equal(s, wantStale) {
		t.Fatalf("stale after a label change\n%s\nwant\n%s", strings.Join(s, "\n"), strings.Join(wantStale, "\n"))
	}
	for _, s := range liveSeries(got) {
		if !strings.Contains(s, "label_app=shop") {
			t.Fatalf("live series %s lacks the new label", s)
		}
	}

	// resend_interval: an unchanged record is held back, one whose labels changed is sent.
	o := batchOptions{MaxDataPointsPerBatch: 100, Now: 3, Start: 1, Last: last, ResendEvery: 1000, Seq: 1}
	if got, stats := collectOpts(context.Background(), st, o, nil); len(got) != 0 || stats.Unchanged != 3 {
		t.Fatalf("unchanged record sent again: %v (%+v)", got, stats)
	}
	st.Put("ns/a", labelled("ns", "a", []string{"1"}, nil, "app", "blog"))
	o.Seq = 2
	got, _ = collectOpts(context.Background(), st, o, nil)
	if l := liveSeries(got); len(l) != 3 || !strings.Contains(l[0], "label_app=blog") || len(staleOnes(got)) != 3 {
		t.Fatalf("record with changed labels under resend: live %v stale %v", l, staleOnes(got))
	}
}

// Two versions of an object that no snapshot delivered whole, each with other labels, both end
// their own series.
func TestObjectLabelsPendingVersionsEachEnded(t *testing.T) {
	st := NewStore()
	last := newLastExported()
	st.Put("ns/a", labelled("ns", "a", []string{"1"}, nil, "app", "v1"))
	collectWith(t, st, last)
	refuse := func(int) error { return context.DeadlineExceeded }
	st.Put("ns/a", labelled("ns", "a", []string{"1"}, nil, "app", "v2"))
	collectOpts(context.Background(), st, batchOptions{MaxDataPointsPerBatch: 100, Now: 3, Start: 1, Last: last}, refuse)
	st.Delete("ns/a")
	got, _ := collectOpts(context.Background(), st, batchOptions{MaxDataPointsPerBatch: 100, Now: 4, Start: 1, Last: last}, nil)
	s := staleOnes(got)
	if len(s) != 6 || !strings.Contains(strings.Join(s, " "), "label_app=v1") || !strings.Contains(strings.Join(s, " "), "label_app=v2") {
		t.Fatalf("stale points of the deleted object: %v; want each series of both versions", s)
	}
}

// Under another schema object labels are resource attributes of every resource of the object (its
// containers' too); an attribute the schema or resource_attributes sets keeps its value.
func TestObjectLabelsAsResourceAttributesUnderSchema(t *testing.T) {
	plain := podLike("a", "Running", "app")
	var b RecordBuilder
	b.ObjectLabel("label_app", "k8s.pod.label.app", "web")
	b.ObjectLabel("label_x", "k8s.pod.name", "not-the-name")
	b.ObjectLabel("label_y", "k8s.cluster.name", "not-the-cluster")
	for _, p := range plain.Points(podLikeSource{}.Families()) {
		b.Add(p.Family, p.Value, p.Values)
	}
	st := NewStore()
	st.Put("a", b.Build(plain.Prefix()))
	var got []string
	collect(context.Background(), []Collection{{Source: podLikeSource{}, Stores: []*Store{st}, Schema: podLikeSchema}},
		batchOptions{MaxDataPointsPerBatch: 100, Now: 2, Resource: map[string]string{"k8s.cluster.name": "prod"}},
		func(md pmetric.Metrics) error { got = append(got, resourceDump(md)...); return nil })
	if len(got) != 3 {
		t.Fatalf("points: %q", got)
	}
	for _, l := range got {
		res := l[:strings.Index(l, "]")]
		if !strings.Contains(res, "k8s.pod.label.app=web") || !strings.Contains(res, "k8s.pod.name=a,") || !strings.Contains(res, "k8s.cluster.name=prod") {
			t.Fatalf("resource %s: want k8s.pod.label.app=web, the schema's k8s.pod.name and the configured cluster name", res)
		}
		if strings.Contains(l, "{label_") || strings.Contains(l, ",label_") {
			t.Fatalf("%s: KSM's data point keys leaked into the schema's attributes", l)
		}
	}
}
