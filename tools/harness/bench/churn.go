package bench

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/testenv/seed"
)

// Churn keeps a cluster changing at a fixed rate, as kubelets and controllers would: pod status
// updates (a container restarts, a sidecar flips readiness: values change, the set of series does
// not) and pod replacements (a pod is deleted and created again: a new uid, so new series). Both
// sides see the same changes through their watches.
type Churn struct {
	Client             kubernetes.Interface
	UpdatesPerSec      float64
	ReplacementsPerSec float64
	// NamespacePrefix selects the pods to churn (the seeder's synthetic namespaces).
	NamespacePrefix string

	mu   sync.Mutex
	pods []podRef
	rnd  *rand.Rand

	Updates, Replacements, Errors atomic.Int64
}

type podRef struct{ ns, name string }

// Load lists the pods to churn. It must be called before Run.
func (c *Churn) Load(ctx context.Context) (int, error) {
	c.rnd = rand.New(rand.NewPCG(1, 2))
	opts := metav1.ListOptions{Limit: 1000}
	for {
		list, err := c.Client.CoreV1().Pods("").List(ctx, opts)
		if err != nil {
			return 0, err
		}
		for _, p := range list.Items {
			if strings.HasPrefix(p.Namespace, c.NamespacePrefix) {
				c.pods = append(c.pods, podRef{p.Namespace, p.Name})
			}
		}
		if list.Continue == "" {
			break
		}
		opts.Continue = list.Continue
	}
	return len(c.pods), nil
}

// Run churns until ctx ends.
func (c *Churn) Run(ctx context.Context) {
	if len(c.pods) == 0 {
		return
	}
	var wg sync.WaitGroup
	loop := func(rate float64, op func(context.Context) error, count *atomic.Int64) {
		atRate(ctx, &wg, rate, op, count, &c.Errors)
	}
	loop(c.UpdatesPerSec, c.updateStatus, &c.Updates)
	loop(c.ReplacementsPerSec, c.replace, &c.Replacements)
	wg.Wait()
}

// atRate runs op rate times a second on a goroutine of wg until ctx ends, counting successes in
// done and failures in failed (none once ctx has ended).
func atRate(ctx context.Context, wg *sync.WaitGroup, rate float64, op func(context.Context) error, done, failed *atomic.Int64) {
	if rate <= 0 {
		return
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if err := op(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				failed.Add(1)
			} else {
				done.Add(1)
			}
		}
	}()
}

// Reserve takes one pod out of the churn (the first listed: the same one on every run of a seeded
// cluster) and returns it, for a change the bench makes and times itself. Call it after Load and
// before Run.
func (c *Churn) Reserve() (namespace, name string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pods) < 2 {
		return "", "", false
	}
	ref := c.pods[0]
	c.pods = c.pods[1:]
	return ref.ns, ref.name, true
}

func (c *Churn) pick() (int, podRef) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := c.rnd.IntN(len(c.pods))
	return i, c.pods[i]
}

func (c *Churn) updateStatus(ctx context.Context) error {
	_, ref := c.pick()
	pods := c.Client.CoreV1().Pods(ref.ns)
	p, err := pods.Get(ctx, ref.name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if len(p.Status.ContainerStatuses) == 0 {
		return nil
	}
	p.Status.ContainerStatuses[0].RestartCount++
	last := &p.Status.ContainerStatuses[len(p.Status.ContainerStatuses)-1]
	last.Ready = !last.Ready
	_, err = pods.UpdateStatus(ctx, p, metav1.UpdateOptions{})
	if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
		return nil // replaced meanwhile
	}
	return err
}

// replace deletes a pod and creates it again under the same name, as a StatefulSet would: a new
// uid, so every series of the pod is replaced. Keeping the name keeps a reused cluster at its
// seeded size even when a run stops between the delete and the create.
func (c *Churn) replace(ctx context.Context) error {
	_, ref := c.pick()
	pods := c.Client.CoreV1().Pods(ref.ns)
	old, err := pods.Get(ctx, ref.name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	// Without a kubelet, only a zero grace period removes a bound pod at once.
	if err := pods.Delete(ctx, ref.name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: old.Name, Namespace: old.Namespace, Labels: old.Labels,
			Annotations: old.Annotations, OwnerReferences: old.OwnerReferences},
		Spec:   old.Spec,
		Status: old.Status,
	}
	return seed.CreatePod(ctx, c.Client, p)
}
