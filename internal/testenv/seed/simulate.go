package seed

import (
	"context"
	"fmt"
	"io"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// SimulateLabel marks fixture objects the simulator changes: "restart" on pods bumps their first
// container's restart count; "scale" on deployments moves spec.replicas between 2 and 4.
const SimulateLabel = "kubestate.dev/simulate"

// Simulate keeps the cluster moving so the demo's metrics change: each interval it restarts marked
// pods, scales marked deployments, and starts a job in namespace "demo" that finishes on the next
// tick. It returns when ctx ends. Errors of one step are logged, not fatal: a user may delete
// objects under it.
func Simulate(ctx context.Context, cs kubernetes.Interface, interval time.Duration, log io.Writer) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for tick := 1; ; tick++ {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		for _, err := range []error{restartPods(ctx, cs), scaleDeployments(ctx, cs, tick), cycleJobs(ctx, cs, tick)} {
			if err != nil && ctx.Err() == nil {
				fmt.Fprintf(log, "simulate: %v\n", err)
			}
		}
	}
}

func restartPods(ctx context.Context, cs kubernetes.Interface) error {
	pods, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: SimulateLabel + "=restart"})
	if err != nil {
		return err
	}
	for i := range pods.Items {
		p := &pods.Items[i]
		if len(p.Status.ContainerStatuses) == 0 {
			continue
		}
		p.Status.ContainerStatuses[0].RestartCount++
		if _, err := cs.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("restarting pod %s/%s: %w", p.Namespace, p.Name, err)
		}
	}
	return nil
}

func scaleDeployments(ctx context.Context, cs kubernetes.Interface, tick int) error {
	deps, err := cs.AppsV1().Deployments("").List(ctx, metav1.ListOptions{LabelSelector: SimulateLabel + "=scale"})
	if err != nil {
		return err
	}
	for i := range deps.Items {
		d := &deps.Items[i]
		want := int32(2 + tick%3)
		d.Spec.Replicas = &want
		updated, err := cs.AppsV1().Deployments(d.Namespace).Update(ctx, d, metav1.UpdateOptions{})
		if err != nil {
			return fmt.Errorf("scaling deployment %s/%s: %w", d.Namespace, d.Name, err)
		}
		// No controller-manager: report the rollout, readiness lagging one interval behind when
		// scaling up (the apiserver refuses more ready than total replicas).
		ready := min(want, int32(2+(tick-1)%3))
		updated.Status.ObservedGeneration = updated.Generation
		updated.Status.Replicas, updated.Status.UpdatedReplicas, updated.Status.ReadyReplicas, updated.Status.AvailableReplicas = want, want, ready, ready
		if _, err := cs.AppsV1().Deployments(d.Namespace).UpdateStatus(ctx, updated, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("deployment %s/%s status: %w", d.Namespace, d.Name, err)
		}
	}
	return nil
}

func cycleJobs(ctx context.Context, cs kubernetes.Interface, tick int) error {
	const ns = "demo"
	jobs := cs.BatchV1().Jobs(ns)
	prev := fmt.Sprintf("simulated-batch-%d", tick-1)
	if j, err := jobs.Get(ctx, prev, metav1.GetOptions{}); err == nil {
		now := metav1.Now()
		j.Status.Active, j.Status.Succeeded, j.Status.CompletionTime = 0, 1, &now
		j.Status.Conditions = []batchv1.JobCondition{
			{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, LastTransitionTime: now, LastProbeTime: now},
			{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, LastTransitionTime: now, LastProbeTime: now},
		}
		if _, err := jobs.UpdateStatus(ctx, j, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("finishing job %s/%s: %w", ns, prev, err)
		}
	}
	if old := fmt.Sprintf("simulated-batch-%d", tick-3); tick > 3 {
		_ = jobs.Delete(ctx, old, metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationBackground)})
	}
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("simulated-batch-%d", tick), Namespace: ns, Labels: map[string]string{"app": "simulated-batch"}},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "batch", Image: "registry.example/batch:1.0"}},
		}}},
	}
	created, err := jobs.Create(ctx, job, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("starting job %s/%s: %w", ns, job.Name, err)
	}
	start := metav1.Now()
	created.Status.StartTime, created.Status.Active = &start, 1
	if _, err := jobs.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("job %s/%s status: %w", ns, job.Name, err)
	}
	return nil
}
