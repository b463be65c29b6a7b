package engine

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// rendererFunc adapts a function to Renderer.
type rendererFunc func([]Collection)

func (f rendererFunc) Render(cols []Collection) { f(cols) }

// A consumer that ignores its context keeps an export cycle in flight, so export ticks are skipped;
// the pull path's renders run on their own timer and go on (invariant 8).
func TestRenderNotHeldByHungConsumer(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	hung := consumerFunc(func(context.Context, pmetric.Metrics) error {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-release // ignores its context
		return nil
	})
	renders := make(chan int, 1000)
	h := newHarness(t, 10, 2, Config{
		CollectionInterval: 10 * time.Millisecond,
		ExportTimeout:      5 * time.Millisecond,
		CycleOnSync:        true,
		Renderer: rendererFunc(func(cols []Collection) {
			n := 0
			for _, c := range cols {
				for _, st := range c.Stores {
					n += st.Len()
				}
			}
			renders <- n
		}),
	}, hung)
	defer close(release)
	select {
	case <-entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the export cycle never reached the consumer")
	}
	// Twenty renders while the consumer is stuck: every one sees all the objects.
	for i := range 20 {
		select {
		case n := <-renders:
			if n != 10 {
				t.Fatalf("render %d saw %d objects, want 10", i, n)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("render %d did not happen while the consumer hung (skipped export ticks: %d)", i, h.eng.skipped.Load())
		}
	}
	if h.eng.skipped.Load() == 0 {
		t.Fatal("no export tick was skipped: the consumer did not hold the cycle, the test proves nothing")
	}
}

// With PullOnly, no export cycle runs and nothing reaches the consumer; renders still run.
func TestPullOnlyExportsNothing(t *testing.T) {
	got := make(chan struct{}, 1)
	next := consumerFunc(func(context.Context, pmetric.Metrics) error {
		select {
		case got <- struct{}{}:
		default:
		}
		return nil
	})
	renders := make(chan struct{}, 100)
	h := newHarness(t, 3, 1, Config{
		CollectionInterval: 10 * time.Millisecond,
		CycleOnSync:        true,
		PullOnly:           true,
		Renderer: rendererFunc(func([]Collection) {
			select {
			case renders <- struct{}{}:
			default:
			}
		}),
	}, next)
	for range 5 {
		select {
		case <-renders:
		case <-time.After(30 * time.Second):
			t.Fatal("no render")
		}
	}
	select {
	case <-got:
		t.Fatal("a pull-only engine sent a batch to the consumer")
	case <-h.cycles:
		t.Fatal("a pull-only engine ran an export cycle")
	default:
	}
}

// Records keep their points grouped by family, whatever order they were added in: the renderer
// writes family by family with one cursor per record.
func TestRecordPointsGroupedByFamily(t *testing.T) {
	var b RecordBuilder
	b.Add(2, 1, []string{"a"})
	b.AddKV(0, 2, []string{"k1", "k2"}, []string{"v1", "v2"})
	b.Add(1, 3, []string{"b"})
	b.Add(0, 4, []string{"c"})
	r := b.Build([]string{"ns"})
	type got struct {
		fam    int
		value  float64
		labels string
	}
	var seen []got
	keys := []string{"x"}
	for c := r.Cursor(); !c.Done(); c.Next() {
		s := ""
		for j := range c.Labels() {
			k, v := c.Label(j, keys)
			s += k + "=" + v + ";"
		}
		seen = append(seen, got{c.Family(), c.Value(), s})
	}
	want := []got{{0, 2, "k1=v1;k2=v2;"}, {0, 4, "x=c;"}, {1, 3, "x=b;"}, {2, 1, "x=a;"}}
	if len(seen) != len(want) {
		t.Fatalf("got %v, want %v", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("point %d: got %v, want %v (all: %v)", i, seen[i], want[i], seen)
		}
	}
	if r.PrefixLen() != 1 || r.PrefixValue(0) != "ns" {
		t.Fatalf("prefix: %d %q", r.PrefixLen(), r.PrefixValue(0))
	}
}
