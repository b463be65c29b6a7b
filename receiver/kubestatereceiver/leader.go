package kubestatereceiver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// LeaderElectionConfig makes replicas share one coordination.k8s.io Lease: every replica keeps its
// informers synced (a hot standby), only the holder of the Lease exports.
type LeaderElectionConfig struct {
	Enabled bool `mapstructure:"enabled"`
	// LeaseName names the Lease; with total_shards > 1 each shard uses LeaseName-shard-<shard>.
	LeaseName string `mapstructure:"lease_name"`
	// LeaseNamespace holds the Lease; default: the pod's namespace ($POD_NAMESPACE, then the
	// service account's namespace file).
	LeaseNamespace string `mapstructure:"lease_namespace"`
	// Identity names this replica in the Lease; default: $POD_NAME, then the host name.
	Identity      string        `mapstructure:"identity"`
	LeaseDuration time.Duration `mapstructure:"lease_duration"`
	RenewDeadline time.Duration `mapstructure:"renew_deadline"`
	RetryPeriod   time.Duration `mapstructure:"retry_period"`
}

func defaultLeaderElection() LeaderElectionConfig {
	return LeaderElectionConfig{LeaseName: "kubestate", LeaseDuration: 15 * time.Second, RenewDeadline: 10 * time.Second, RetryPeriod: 2 * time.Second}
}

// validate refuses what client-go's elector would refuse, naming the field.
func (l *LeaderElectionConfig) validate(bad func(string, ...any)) {
	if !l.Enabled {
		return
	}
	if l.LeaseName == "" {
		bad("leader_election.lease_name must be set when leader_election.enabled is true")
	} else if msgs := validation.IsDNS1123Subdomain(l.LeaseName); len(msgs) > 0 {
		bad("leader_election.lease_name %q is not a valid object name: %s", l.LeaseName, strings.Join(msgs, "; "))
	}
	if l.LeaseNamespace != "" {
		if msgs := validation.IsDNS1123Label(l.LeaseNamespace); len(msgs) > 0 {
			bad("leader_election.lease_namespace %q is not a valid namespace name: %s", l.LeaseNamespace, strings.Join(msgs, "; "))
		}
	}
	if l.RetryPeriod <= 0 || l.RenewDeadline <= 0 || l.LeaseDuration <= 0 {
		bad("leader_election.lease_duration, renew_deadline and retry_period must be positive (got %s, %s, %s)", l.LeaseDuration, l.RenewDeadline, l.RetryPeriod)
		return
	}
	if l.LeaseDuration <= l.RenewDeadline {
		bad("leader_election.lease_duration (%s) must be longer than leader_election.renew_deadline (%s), so a leader stops exporting before its Lease can pass to another replica", l.LeaseDuration, l.RenewDeadline)
	}
	if l.RenewDeadline <= time.Duration(leaderelection.JitterFactor*float64(l.RetryPeriod)) {
		bad("leader_election.renew_deadline (%s) must be longer than %.1f × leader_election.retry_period (%s)", l.RenewDeadline, leaderelection.JitterFactor, l.RetryPeriod)
	}
}

// leaseName is the Lease this instance competes for: one per shard.
func (c *Config) leaseName() string {
	if c.TotalShards > 1 {
		return c.LeaderElection.LeaseName + "-shard-" + strconv.Itoa(c.Shard)
	}
	return c.LeaderElection.LeaseName
}

const serviceAccountNamespace = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

func (l *LeaderElectionConfig) namespace() (string, error) {
	if l.LeaseNamespace != "" {
		return l.LeaseNamespace, nil
	}
	if ns := os.Getenv("POD_NAMESPACE"); ns != "" {
		return ns, nil
	}
	if b, err := os.ReadFile(serviceAccountNamespace); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	return "", errors.New("leader_election.lease_namespace is not set, and neither $POD_NAMESPACE nor " + serviceAccountNamespace + " gives one")
}

func (l *LeaderElectionConfig) identity() string {
	if l.Identity != "" {
		return l.Identity
	}
	if p := os.Getenv("POD_NAME"); p != "" {
		return p
	}
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "kubestate"
	}
	return h + "-" + strconv.Itoa(os.Getpid())
}

// Exporting is what leader election switches: the engine exports only while it leads.
type exportSwitch interface{ SetExporting(on bool) }

// elector runs client-go's leader election on a Lease until stopped: while this replica holds the
// Lease the engine exports; when renewing fails for renew_deadline it stops exporting (cancelling the
// cycle in flight) before the Lease can expire and pass to another replica. Stop releases the Lease,
// so a replica shut down hands over at once instead of after lease_duration.
type elector struct {
	le       *leaderelection.LeaderElector
	lock     resourcelock.Interface
	id       string
	cancel   context.CancelFunc
	done     chan struct{}
	mu       sync.Mutex // orders the start and stop callbacks of one term
	leading  bool
	onChange func(leading bool)
}

// startElector competes for the Lease in the background. onChange is told when this replica starts
// or stops leading; lockErr of every failed (err) or successful (nil) call on the Lease, so that
// missing RBAC or an unreachable apiserver shows in the component status.
func startElector(cfg *Config, restCfg *rest.Config, sw exportSwitch, log *zap.Logger, onChange func(bool), lockErr func(error)) (*elector, error) {
	l := cfg.LeaderElection
	ns, err := l.namespace()
	if err != nil {
		return nil, err
	}
	// Its own client with a timeout: a Lease update (the release at shutdown included) never hangs.
	rc := rest.CopyConfig(restCfg)
	rc.Timeout = l.RenewDeadline
	kube, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("leader election client: %w", err)
	}
	id := l.identity()
	el := &elector{done: make(chan struct{}), onChange: onChange, id: id}
	lock := observedLock{Interface: &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Namespace: ns, Name: cfg.leaseName()},
		Client:     kube.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: id},
	}, report: lockErr}
	el.lock = lock
	el.le, err = leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:          lock,
		LeaseDuration: l.LeaseDuration,
		RenewDeadline: l.RenewDeadline,
		RetryPeriod:   l.RetryPeriod,
		// Not client-go's release: it runs before OnStoppedLeading, so a leader cut off from the
		// apiserver would wait for the release call to time out before it stops exporting, past
		// the point where its Lease can pass to another replica. stop releases instead.
		ReleaseOnCancel: false,
		Name:            ns + "/" + cfg.leaseName(),
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(ctx context.Context) {
				el.mu.Lock()
				defer el.mu.Unlock()
				if ctx.Err() == nil && !el.leading { // the term may already be over
					el.leading = true
					log.Info("leading: this replica exports", zap.String("lease", ns+"/"+cfg.leaseName()), zap.String("identity", id))
					sw.SetExporting(true)
					el.onChange(true)
				}
			},
			OnStoppedLeading: func() {
				el.mu.Lock()
				defer el.mu.Unlock()
				if el.leading {
					el.leading = false
					log.Info("not leading: this replica stops exporting (hot standby)", zap.String("lease", ns+"/"+cfg.leaseName()), zap.String("identity", id))
					sw.SetExporting(false)
					el.onChange(false)
				}
			},
			OnNewLeader: func(holder string) {
				if holder != id {
					log.Info("another replica leads", zap.String("lease", ns+"/"+cfg.leaseName()), zap.String("leader", holder))
				}
			},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("leader_election: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	el.cancel = cancel
	go func() {
		defer close(el.done)
		// Run returns when leadership is lost (or ctx ends): compete again until stopped.
		for ctx.Err() == nil {
			el.le.Run(ctx)
		}
	}()
	return el, nil
}

// stop ends the election, waits for its goroutine (bounded by ctx), then releases the Lease if this
// replica still holds it, so a standby takes over at once instead of after lease_duration. The
// caller has stopped exporting first.
func (el *elector) stop(ctx context.Context) error {
	el.cancel()
	select {
	case <-el.done:
	case <-ctx.Done():
		return fmt.Errorf("leader election did not stop: %w", ctx.Err())
	}
	return el.release(ctx)
}

// release hands the Lease back as client-go would (holder cleared, a one-second duration), only
// if this replica holds it; the update carries the resource version just read, so it cannot
// overwrite another replica's claim.
func (el *elector) release(ctx context.Context) error {
	rec, _, err := el.lock.Get(ctx)
	if err != nil || rec == nil || rec.HolderIdentity != el.id {
		return nil // not ours (or unreadable: it expires on its own)
	}
	now := metav1.NewTime(time.Now())
	if err := el.lock.Update(ctx, resourcelock.LeaderElectionRecord{
		LeaderTransitions: rec.LeaderTransitions, LeaseDurationSeconds: 1, RenewTime: now, AcquireTime: now,
	}); err != nil {
		return fmt.Errorf("leader election: releasing the Lease: %w", err)
	}
	return nil
}

// observedLock reports the outcome of every call client-go's elector makes on the Lease: the elector
// itself only logs failures through klog and retries, which would leave a replica that may not
// read its Lease a silent, permanent follower.
type observedLock struct {
	resourcelock.Interface
	report func(error)
}

func (l observedLock) Get(ctx context.Context) (*resourcelock.LeaderElectionRecord, []byte, error) {
	r, b, err := l.Interface.Get(ctx)
	if apierrors.IsNotFound(err) {
		l.report(nil) // no Lease yet: the elector creates it
	} else {
		l.report(leaseErr("get", l, err))
	}
	return r, b, err
}

func (l observedLock) Create(ctx context.Context, r resourcelock.LeaderElectionRecord) error {
	err := l.Interface.Create(ctx, r)
	l.report(leaseErr("create", l, err))
	return err
}

func (l observedLock) Update(ctx context.Context, r resourcelock.LeaderElectionRecord) error {
	err := l.Interface.Update(ctx, r)
	l.report(leaseErr("update", l, err))
	return err
}

func leaseErr(verb string, l observedLock, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("leader election: cannot %s Lease %s: %w", verb, l.Describe(), err)
}
