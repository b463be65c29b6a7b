package kubestatereceiver

import (
	"bytes"
	"context"
	"os"
	"time"

	"go.uber.org/zap"
	"k8s.io/client-go/dynamic"

	"github.com/kubestate/kubestate/internal/customresource"
)

// crsReloader reads custom_resource_state_file again every interval. A changed file that compiles
// replaces the running discovery (its sources stop, the new config's start); one that does not is
// logged once, naming the file and what is wrong, and the last good config keeps running.
type crsReloader struct {
	path     string
	interval time.Duration
	last     []byte // the content running
	refused  []byte // the last content refused, logged once
	dyn      dynamic.Interface
	eng      customresource.Engine
	log      *zap.Logger
	swap     func(*customresource.Discovery) *customresource.Discovery // installs the new discovery, returns the old
	enabled  func(name string) bool                                    // metric_allowlist / metric_denylist

	cancel context.CancelFunc
	done   chan struct{}
}

func (c *crsReloader) start() {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	go func() {
		defer close(c.done)
		t := time.NewTicker(c.interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				c.check(ctx)
			}
		}
	}()
}

// stop ends the reloading goroutine and waits for it (a reload in progress finishes first).
func (c *crsReloader) stop() {
	c.cancel()
	<-c.done
}

func (c *crsReloader) check(ctx context.Context) {
	data, err := os.ReadFile(c.path)
	if err != nil {
		if !bytes.Equal(c.refused, []byte(err.Error())) {
			c.log.Error("custom_resource_state_file cannot be read; the last good config keeps running", zap.String("file", c.path), zap.Error(err))
			c.refused = []byte(err.Error())
		}
		return
	}
	if bytes.Equal(data, c.last) || bytes.Equal(data, c.refused) {
		return
	}
	res, err := compileCustomResourceState(data, "custom_resource_state_file "+c.path)
	if err != nil {
		c.log.Error("custom_resource_state_file changed and is refused; the last good config keeps running", zap.Error(err))
		c.refused = data
		return
	}
	next := customresource.NewDiscovery(res, c.eng, c.dyn, c.log).Select(c.enabled)
	old := c.swap(nil)
	if old != nil {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := old.Stop(sctx); err != nil {
			c.log.Warn("stopping the previous custom resource state config", zap.Error(err))
		}
		cancel()
	}
	next.Start()
	c.swap(next)
	c.last, c.refused = data, nil
	c.log.Info("custom_resource_state_file reloaded", zap.String("file", c.path), zap.Int("resources", len(res)))
}
