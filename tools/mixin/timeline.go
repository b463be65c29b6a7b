package main

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/tools/harness/parity"
)

// TimelineNamespace holds the objects the timeline changes, so the fixtures stay as they are.
const TimelineNamespace = "mixin-timeline"

// Step is one change of the cluster, after which both sides are scraped once more.
type Step struct {
	Name string
	Do   func(ctx context.Context, kube kubernetes.Interface) error
}

// Timeline is what happens between the scrapes: a pod keeps crash-looping (its restart count grows,
// so increase, rate and max_over_time have something to see), a node's readiness flaps
// (KubeNodeReadinessFlapping counts changes()), a deployment's new template goes unobserved and it
// scales up while its pods lag (KubeDeploymentReplicasMismatch reads changes() of it), and objects are deleted and created
// again under the same name (their series must end at once on both sides, as Prometheus' staleness
// handling sees it). The first step creates the objects.
var Timeline = []Step{
	{"create the timeline's namespace, a deployment with two pods and a crash-looping pod", createTimelineObjects},
	{"node worker-a1 turns NotReady; the crash-looping pod restarts", both(setNodeReady("worker-a1", false), restartCrashLooper)},
	{"node worker-a1 is Ready again; the deployment's image changes, not yet observed by its controller", both(setNodeReady("worker-a1", true), changeWebImage)},
	{"node worker-a1 turns NotReady; the deployment scales from 2 to 4, two pods not ready yet", both(setNodeReady("worker-a1", false), scaleWeb(4, 2))},
	{"node worker-a1 is Ready again; the crash-looping pod restarts; the deployment's pods become ready", both(setNodeReady("worker-a1", true), restartCrashLooper, scaleWeb(4, 4))},
	{"a pod of the deployment is deleted", deletePod("web-1")},
	{"the crash-looping pod restarts; a ConfigMap is deleted", both(restartCrashLooper, func(ctx context.Context, kube kubernetes.Interface) error {
		return kube.CoreV1().ConfigMaps(TimelineNamespace).Delete(ctx, "web-config", metav1.DeleteOptions{})
	})},
	{"the deleted pod is created again under the same name", createWebPod("web-1")},
	{"the deployment is deleted", func(ctx context.Context, kube kubernetes.Interface) error {
		return kube.AppsV1().Deployments(TimelineNamespace).Delete(ctx, "web", metav1.DeleteOptions{})
	}},
	{"the crash-looping pod is deleted", deletePod("crasher")},
}

// both runs changes one after another. A change outside the timeline's namespace (a node) goes
// first: the namespace's change, which the capture waits for, then comes after it.
func both(changes ...func(context.Context, kubernetes.Interface) error) func(context.Context, kubernetes.Interface) error {
	return func(ctx context.Context, kube kubernetes.Interface) error {
		for _, c := range changes {
			if err := c(ctx, kube); err != nil {
				return err
			}
		}
		return nil
	}
}

// setNodeReady sets a node's Ready condition (there is no kubelet): four flips within 15 minutes make
// KubeNodeReadinessFlapping fire, and KubeNodeNotReady sees the NotReady scrapes.
func setNodeReady(name string, ready bool) func(context.Context, kubernetes.Interface) error {
	return func(ctx context.Context, kube kubernetes.Interface) error {
		n, err := kube.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		status := corev1.ConditionFalse
		if ready {
			status = corev1.ConditionTrue
		}
		found := false
		for i := range n.Status.Conditions {
			if c := &n.Status.Conditions[i]; c.Type == corev1.NodeReady {
				c.Status, found = status, true
			}
		}
		if !found {
			return fmt.Errorf("node %s has no Ready condition", name)
		}
		_, err = kube.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
		return err
	}
}

// changeWebImage changes the deployment's pod template: its generation moves on, and with no
// controller its observed generation stays behind until scaleWeb reports a rollout
// (KubeDeploymentGenerationMismatch).
func changeWebImage(ctx context.Context, kube kubernetes.Interface) error {
	deps := kube.AppsV1().Deployments(TimelineNamespace)
	d, err := deps.Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		return err
	}
	d.Spec.Template.Spec.Containers[0].Image = "registry.example/web:1.1"
	_, err = deps.Update(ctx, d, metav1.UpdateOptions{})
	return err
}

func createTimelineObjects(ctx context.Context, kube kubernetes.Interface) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: TimelineNamespace}}
	if _, err := kube.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	// No controller-manager: the ServiceAccount admission plugin wants the default account.
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: TimelineNamespace}}
	if _, err := kube.CoreV1().ServiceAccounts(TimelineNamespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "web-config", Namespace: TimelineNamespace}, Data: map[string]string{"mode": "blue"}}
	if _, err := kube.CoreV1().ConfigMaps(TimelineNamespace).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		return err
	}
	labels := map[string]string{"app": "web"}
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: TimelineNamespace, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "registry.example/web:1.0"}}},
			},
		},
	}
	if _, err := kube.AppsV1().Deployments(TimelineNamespace).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		return err
	}
	if err := scaleWeb(2, 2)(ctx, kube); err != nil {
		return err
	}
	for _, name := range []string{"web-0", "web-1"} {
		if err := createWebPod(name)(ctx, kube); err != nil {
			return err
		}
	}
	crasher := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "crasher", Namespace: TimelineNamespace, Labels: map[string]string{"app": "crasher"}},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken: ptr.To(false),
			NodeName:                     "worker-a1",
			Containers:                   []corev1.Container{{Name: "main", Image: "registry.example/crasher:1.0"}},
		},
	}
	created, err := kube.CoreV1().Pods(TimelineNamespace).Create(ctx, crasher, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	created.Status = corev1.PodStatus{
		Phase: corev1.PodRunning,
		Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue},
			{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady"},
		},
		ContainerStatuses: []corev1.ContainerStatus{{
			Name: "main", Image: "registry.example/crasher:1.0", RestartCount: 1,
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
			LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 1, Reason: "Error",
			}},
		}},
	}
	_, err = kube.CoreV1().Pods(TimelineNamespace).UpdateStatus(ctx, created, metav1.UpdateOptions{})
	return err
}

func restartCrashLooper(ctx context.Context, kube kubernetes.Interface) error {
	p, err := kube.CoreV1().Pods(TimelineNamespace).Get(ctx, "crasher", metav1.GetOptions{})
	if err != nil {
		return err
	}
	if len(p.Status.ContainerStatuses) == 0 {
		return fmt.Errorf("pod %s/crasher has no container status", TimelineNamespace)
	}
	p.Status.ContainerStatuses[0].RestartCount++
	_, err = kube.CoreV1().Pods(TimelineNamespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
	return err
}

// scaleWeb sets the deployment's replicas and reports a rollout with ready of them ready (there is
// no controller-manager to do it).
func scaleWeb(replicas, ready int32) func(context.Context, kubernetes.Interface) error {
	return func(ctx context.Context, kube kubernetes.Interface) error {
		deps := kube.AppsV1().Deployments(TimelineNamespace)
		d, err := deps.Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			return err
		}
		d.Spec.Replicas = ptr.To(replicas)
		if d, err = deps.Update(ctx, d, metav1.UpdateOptions{}); err != nil {
			return err
		}
		d.Status.ObservedGeneration = d.Generation
		d.Status.Replicas, d.Status.UpdatedReplicas, d.Status.ReadyReplicas, d.Status.AvailableReplicas = replicas, replicas, ready, ready
		d.Status.UnavailableReplicas = replicas - ready
		_, err = deps.UpdateStatus(ctx, d, metav1.UpdateOptions{})
		return err
	}
}

func createWebPod(name string) func(context.Context, kubernetes.Interface) error {
	return func(ctx context.Context, kube kubernetes.Interface) error {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: TimelineNamespace, Labels: map[string]string{"app": "web"}},
			Spec: corev1.PodSpec{
				AutomountServiceAccountToken: ptr.To(false),
				NodeName:                     "worker-a1",
				Containers:                   []corev1.Container{{Name: "web", Image: "registry.example/web:1.0"}},
			},
		}
		created, err := kube.CoreV1().Pods(TimelineNamespace).Create(ctx, pod, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		created.Status = corev1.PodStatus{
			Phase:      corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
			ContainerStatuses: []corev1.ContainerStatus{{
				Name: "web", Image: "registry.example/web:1.0", Ready: true,
				State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}},
			}},
		}
		_, err = kube.CoreV1().Pods(TimelineNamespace).UpdateStatus(ctx, created, metav1.UpdateOptions{})
		return err
	}
}

func deletePod(name string) func(context.Context, kubernetes.Interface) error {
	return func(ctx context.Context, kube kubernetes.Interface) error {
		// Grace 0: there is no kubelet to finish a graceful deletion.
		return kube.CoreV1().Pods(TimelineNamespace).Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})
	}
}

// Settle waits until both sides serve the same series (as the parity comparison decides, within
// its tolerances), polling every poll, for at most limit. It returns how long that took and whether
// they agreed; a scrape taken after a disagreement shows the difference in the evaluation.
func Settle(ctx context.Context, ksm *parity.KSM, col *parity.Collector, poll, limit time.Duration) (time.Duration, bool, error) {
	start := time.Now()
	deadline := start.Add(limit)
	for {
		k, err := ksm.Scrape(ctx)
		if err != nil {
			return 0, false, fmt.Errorf("scraping kube-state-metrics: %w", err)
		}
		o, err := col.Scrape(ctx)
		if err != nil {
			return 0, false, fmt.Errorf("scraping the exporter: %w", err)
		}
		if parity.Compare(k, o, parity.TimeDerived).OK() {
			return time.Since(start), true, nil
		}
		if time.Now().After(deadline) {
			return time.Since(start), false, nil
		}
		select {
		case <-ctx.Done():
			return 0, false, ctx.Err()
		case <-time.After(poll):
		}
	}
}
