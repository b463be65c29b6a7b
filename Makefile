# kubestate — see README.md. `make run` and `make test` are all a new user needs.
SHELL := /bin/bash
GO    ?= go
BIN   := $(CURDIR)/bin
STATE := $(CURDIR)/.local
PROGRESS := $(CURDIR)/tools/with-progress.sh
PROMETHEUS := /usr/bin/prometheus

export GOFLAGS ?= -buildvcs=false

.PHONY: all tools cluster-up cluster-down test build build-alloy image image-push run peer peer-k8scluster generate check-generated parity parity-prometheus parity-pull mixin reliability fuzz bench bench-crs bench-apiserver bench-schemas bench-sharded bench-plot bench-go clean help

all: help

help:
	@echo "make image         OCI image archive _build/otelcol-kubestate-image.tar (linux/amd64, linux/arm64; no Docker needed)"
	@echo "make image-push    push it: make image-push IMAGE=registry.example.com/kubestate/otelcol-kubestate:0.1.0"
	@echo "make run           demo: local control plane + demo cluster + collector at 127.0.0.1:8889/metrics"
	@echo "make test          unit and integration tests (builds tools on first use)"
	@echo "make build-alloy   the distribution at Grafana Alloy's collector pins (builder-config-alloy.yaml) into _build/alloy/"
	@echo "make parity        compare with kube-state-metrics v2.20.0 (report: .local/parity-report.md)"
	@echo "make parity-prometheus  parity through the distribution's Prometheus exporter (report: .local/parity-prometheus-report.md)"
	@echo "make parity-pull   parity through the receiver's own pull endpoint, headers and label order included"
	@echo "make mixin         kubernetes-mixin alerts/rules evaluated by Prometheus' engine over KSM and over kubestate (exporter, pull, OTLP)"
	@echo "make reliability   long forms of the fault-injection tests (about 15 min)"
	@echo "make bench         kubestate vs kube-state-metrics side by side: push, pull, then the deployed pipelines (BENCH_PODS=10000; about 40 min)"
	@echo "make bench-crs     custom resource state: kubestate vs kube-state-metrics on BENCH_CRS=10000 custom resources, one 5-metric config (about 6 min)"
	@echo "make bench-apiserver the kube-apiserver's CPU and memory per collector (KSM, kubestate), sync and steady watch, protobuf vs JSON, WatchList on/off (BENCH_PODS=10000; about 25 min)"
	@echo "make bench-schemas the receiver under each schema (ksm, k8s_cluster, semconv) against KSM, lean push path (BENCH_PODS=10000)"
	@echo "make bench-sharded sharding: BENCH_SHARDS=3 shards of kubestate and of KSM beside both unsharded, one cluster, per-process CPU and RSS (BENCH_PODS=10000)"
	@echo "make bench-plot    redraw docs/bench/performance.svg (CPU and RSS by cluster size, every peer) from docs/bench/results.jsonl"
	@echo "make peer          the reference collector the bench compares with: contrib prometheusreceiver scraping KSM, OTLP out"
	@echo "make peer-k8scluster the contrib k8s_cluster receiver exporting OTLP: the further peer of bench -pipeline -k8scluster"
	@echo "make bench-go      Go benchmarks of the hot paths: pdata floor, snapshot, object -> record"
	@echo "make tools         build kube-apiserver, kubectl, etcd, kube-state-metrics into bin/"
	@echo "make cluster-up    start the local control plane (kubeconfig: .local/kubeconfig)"
	@echo "make cluster-down  stop it and remove .local/"

## ---- tools built from Go modules (never downloaded prebuilt) ----

tools: $(BIN)/kube-apiserver $(BIN)/kubectl $(BIN)/etcd $(BIN)/kube-state-metrics

# The version the binaries report (kubectl version, the apiserver's /version), stamped as the
# Kubernetes release build stamps it; tools/kube/VERSION matches tools/kube/go.mod's k8s.io/kubernetes.
KUBE_VERSION := $(shell cat tools/kube/VERSION)
KUBE_MINOR   := $(word 2,$(subst ., ,$(KUBE_VERSION)))
KUBE_LDFLAGS := $(foreach p,k8s.io/component-base/version k8s.io/client-go/pkg/version,\
	-X $(p).gitVersion=$(KUBE_VERSION) -X $(p).gitMajor=1 -X $(p).gitMinor=$(KUBE_MINOR) -X $(p).gitTreeState=clean)

$(BIN)/kube-apiserver $(BIN)/kubectl &: tools/kube/go.mod tools/kube/go.sum tools/kube/VERSION
	@echo ">> building kube-apiserver and kubectl from k8s.io/kubernetes $(KUBE_VERSION) (first build: about 5 minutes on 2 cores; cached in bin/)"
	@cd tools/kube && $(PROGRESS) "kube-apiserver, kubectl" $(GO) build -trimpath -ldflags '$(KUBE_LDFLAGS)' -o $(BIN)/ k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
	@touch $(BIN)/kube-apiserver $(BIN)/kubectl

$(BIN)/etcd: tools/etcd/go.mod tools/etcd/go.sum
	@echo ">> building etcd from go.etcd.io/etcd/server/v3 v3.6.16 (about 30s)"
	@cd tools/etcd && $(PROGRESS) etcd $(GO) build -trimpath -o $(BIN)/etcd go.etcd.io/etcd/server/v3
	@touch $@

$(BIN)/kube-state-metrics: tools/ksm/go.mod tools/ksm/go.sum
	@echo ">> building kube-state-metrics from k8s.io/kube-state-metrics/v2 v2.20.0 (about 70s)"
	@cd tools/ksm && $(PROGRESS) kube-state-metrics $(GO) build -trimpath -o $(BIN)/kube-state-metrics k8s.io/kube-state-metrics/v2
	@touch $@

$(BIN)/devcluster: $(shell find tools/harness/cmd/devcluster internal/testenv -name '*.go') go.mod go.sum tools/harness/go.mod tools/harness/go.sum
	@cd tools/harness && $(GO) build -o $@ ./cmd/devcluster

$(BIN)/mdatagen: tools/mdatagen/go.mod tools/mdatagen/go.sum
	@cd tools/mdatagen && $(GO) build -o $@ go.opentelemetry.io/collector/cmd/mdatagen

$(BIN)/ocb: tools/ocb/go.mod tools/ocb/go.sum
	@cd tools/ocb && $(GO) build -o $@ go.opentelemetry.io/collector/cmd/builder

$(BIN)/ocb-alloy: tools/ocb-alloy/go.mod tools/ocb-alloy/go.sum
	@cd tools/ocb-alloy && $(GO) build -o $@ go.opentelemetry.io/collector/cmd/builder

## ---- code generation (mdatagen reads metadata.yaml through receiver/kubestatereceiver/metadata.yaml) ----

generate: $(BIN)/mdatagen
	@cd receiver/kubestatereceiver && $(BIN)/mdatagen metadata.yaml
	@$(GO) test ./internal/schema -run TestMetricsReference -update >/dev/null
	@echo ">> regenerated receiver metadata and docs/metrics.md"

## ---- distribution ----

RECEIVER_SOURCES := $(shell find receiver internal -name '*.go' -not -name '*_test.go') go.mod go.sum metadata.yaml

build: _build/otelcol-kubestate

_build/otelcol-kubestate: builder-config.yaml $(RECEIVER_SOURCES) | $(BIN)/ocb
	@echo ">> building the distribution with ocb v0.165.0 (first build: about 2-3 minutes)"
	@mkdir -p _build
	@$(PROGRESS) otelcol-kubestate sh -c '$(BIN)/ocb --config builder-config.yaml >_build/ocb.log 2>&1' || { tail -30 _build/ocb.log; exit 1; }
	@touch $@

# The same receiver at Grafana Alloy's collector pins (builder-config-alloy.yaml: ocb and collector
# v0.158.0 / v1.64.0), into _build/alloy/: the receiver module builds inside such a build as it is.
build-alloy: _build/alloy/otelcol-kubestate

_build/alloy/otelcol-kubestate: builder-config-alloy.yaml $(RECEIVER_SOURCES) | $(BIN)/ocb-alloy
	@echo ">> building the distribution at Grafana Alloy's pins with ocb v0.158.0 (first build: about 5 minutes of CPU, 20 on a busy machine)"
	@mkdir -p _build/alloy
	@$(PROGRESS) "otelcol-kubestate (Alloy's pins)" sh -c '$(BIN)/ocb-alloy --config builder-config-alloy.yaml >_build/alloy/ocb.log 2>&1' || { tail -30 _build/alloy/ocb.log; exit 1; }

## ---- the reference collector of `make bench -pipeline` (a reference, never shipped) ----

# KSM as OTel users run it today: a Collector whose contrib Prometheus receiver scrapes it and exports
# OTLP. Its manifest lives with the harness; rebuilt only when the manifest changes.
PEER := _build/peer/otelcol-ksm-scraper

peer: $(PEER)

$(PEER): tools/harness/peer/builder-config.yaml | $(BIN)/ocb
	@echo ">> building the reference collector (contrib prometheusreceiver v0.165.1) with ocb (first build: about 5-10 minutes)"
	@mkdir -p _build/peer
	@$(PROGRESS) otelcol-ksm-scraper sh -c '$(BIN)/ocb --config tools/harness/peer/builder-config.yaml >_build/peer/ocb.log 2>&1' || { tail -30 _build/peer/ocb.log; exit 1; }
	@touch $@

# The contrib k8s_cluster receiver v0.149.0 exporting OTLP as a Collector would (tools/k8sclusterref
# -otlp): the further peer of `bench -pipeline -k8scluster`. Its own module; rebuilt when it changes.
K8SCLUSTERREF := _build/peer/k8sclusterref

peer-k8scluster: $(K8SCLUSTERREF)

$(K8SCLUSTERREF): tools/k8sclusterref/main.go tools/k8sclusterref/go.mod tools/k8sclusterref/go.sum
	@mkdir -p _build/peer
	@echo ">> building the k8s_cluster reference peer (contrib k8sclusterreceiver v0.149.0, first build: about 2-4 minutes)"
	@cd tools/k8sclusterref && $(GO) build -o ../../$@ .

## ---- container image (tools/image is its own module: go-containerregistry stays out of go.mod) ----

# The image's name as kind/containerd/docker see it after loading the archive, and deploy/ refers to.
IMAGE ?= kubestate/otelcol-kubestate:0.1.0
IMAGE_ARCHIVE := _build/otelcol-kubestate-image.tar
IMAGE_PLATFORMS := amd64 arm64
CA_BUNDLE := /etc/ssl/certs/ca-certificates.crt

image: $(IMAGE_ARCHIVE)

# The distribution's sources that ocb wrote into _build/, cross-built static per architecture.
_build/image/linux-%/otelcol-kubestate: _build/otelcol-kubestate
	@echo ">> cross-building otelcol-kubestate for linux/$* (static, CGO_ENABLED=0; first build about 2 minutes)"
	@cd _build && CGO_ENABLED=0 GOOS=linux GOARCH=$* $(PROGRESS) "otelcol-kubestate linux/$*" \
		$(GO) build -trimpath -ldflags='-s -w' -o image/linux-$*/otelcol-kubestate .

$(CA_BUNDLE):
	@echo ">> installing Debian's CA bundle (ca-certificates)"
	@apt-get install -y -q ca-certificates >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q ca-certificates >/dev/null; }

$(IMAGE_ARCHIVE): $(foreach a,$(IMAGE_PLATFORMS),_build/image/linux-$(a)/otelcol-kubestate) deploy/base/config.yaml $(CA_BUNDLE) \
		$(wildcard tools/image/*.go) tools/image/go.mod tools/image/go.sum
	@cd tools/image && $(GO) run . build -o $(CURDIR)/$@ -name $(IMAGE) -config $(CURDIR)/deploy/base/config.yaml -ca $(CA_BUNDLE) \
		$(foreach a,$(IMAGE_PLATFORMS),-binary linux/$(a)=$(CURDIR)/_build/image/linux-$(a)/otelcol-kubestate)
	@echo ">> $@: $(IMAGE) for $(foreach a,$(IMAGE_PLATFORMS),linux/$(a)) ($$(du -h $@ | cut -f1))"

# Registry credentials come from the Docker config (~/.docker/config.json), as with docker/crane;
# IMAGE_PUSH_FLAGS=-insecure for a plain-HTTP registry.
image-push: $(IMAGE_ARCHIVE)
	@cd tools/image && $(GO) run . push $(IMAGE_PUSH_FLAGS) $(CURDIR)/$(IMAGE_ARCHIVE) $(IMAGE)

## ---- demo ----

run: tools $(BIN)/devcluster build
	@tools/run-demo.sh

## ---- parity with kube-state-metrics v2.20.0 ----
# The harness (parity, bench, distribution tests, devcluster) is its own module, tools/harness: its
# dependencies stay out of the receiver's go.mod, and it starts the receiver through its factory.
# Its commands take paths relative to the repository root.

# Starts its own control plane (temp state dir, free ports), so it never collides with cluster-up/run.
# PARITY_FIXTURES=DIR compares on another fixture folder.
parity: tools
	@cd tools/harness && $(GO) run ./cmd/parity -bin $(BIN) -report $(STATE)/parity-report.md \
		$(if $(PARITY_FIXTURES),-fixtures $(PARITY_FIXTURES)) \
		-config testdata/parity/default.yaml -config testdata/parity/allowlists.yaml -config testdata/parity/all-resources.yaml

# The same comparison through _build/otelcol-kubestate's Prometheus exporter (README settings), also byte for byte,
# plus an escaping probe namespace and a metric_expiration measurement on a deleted object.
parity-prometheus: tools build
	@cd tools/harness && $(GO) run ./cmd/parity -via prometheus -bin $(BIN) -collector _build/otelcol-kubestate \
		-report $(STATE)/parity-prometheus-report.md \
		$(if $(PARITY_FIXTURES),-fixtures $(PARITY_FIXTURES)) \
		-config testdata/parity/default.yaml -config testdata/parity/allowlists.yaml -config testdata/parity/all-resources.yaml

# The same through the receiver's own pull endpoint (pull.endpoint, push: false), held to KSM's label
# order and HELP/TYPE lines too.
parity-pull: tools build
	@cd tools/harness && $(GO) run ./cmd/parity -via pull -bin $(BIN) -collector _build/otelcol-kubestate \
		-report $(STATE)/parity-pull-report.md \
		$(if $(PARITY_FIXTURES),-fixtures $(PARITY_FIXTURES)) \
		-config testdata/parity/default.yaml -config testdata/parity/allowlists.yaml -config testdata/parity/all-resources.yaml

## ---- kubernetes-mixin rules (tools/mixin is its own module: Prometheus' dependencies stay out of go.mod) ----

# Rules from testdata/reference; V=1 prints one line per expression.
mixin: tools build
	@echo ">> kubernetes-mixin rules over kube-state-metrics and kubestate (first build of tools/mixin: 3-6 minutes)"
	@cd tools/mixin && $(GO) run . $(if $(V),-v)
	@echo ">> the same through the receiver's own pull endpoint"
	@cd tools/mixin && $(GO) run . -via pull $(if $(V),-v)
	@echo ">> the same pushed over OTLP into Prometheus' OTLP write handler (job/instance from resource_attributes)"
	@cd tools/mixin && $(GO) run . -via otlp $(if $(V),-v)

## ---- reliability: long forms of the fault-injection tests (go test -tags reliability) ----

# Figures are the "figures:" lines; full output in _build/reliability.log.
RELIABILITY_DURATION ?= 5m
RELIABILITY_PKGS := ./receiver/kubestatereceiver/integration ./internal/resources
RELIABILITY_HARNESS_PKGS := ./distribution ./parity

reliability: $(BIN)/kube-apiserver $(BIN)/etcd build $(PROMETHEUS)
	@echo ">> reliability tests, long form (full output: _build/reliability.log)"
	@set -o pipefail; export KUBESTATE_RELIABILITY_DURATION=$(RELIABILITY_DURATION) KUBESTATE_BADINPUT_OBJECTS=3000; \
	  { $(GO) test -tags reliability -count=1 -timeout 60m -v $(RELIABILITY_PKGS) && \
	    (cd tools/harness && $(GO) test -tags reliability -count=1 -timeout 60m -v $(RELIABILITY_HARNESS_PKGS)); } 2>&1 \
	  | tee _build/reliability.log | grep -E '^(--- |    --- |ok |FAIL|panic)|_test\.go:[0-9]+: '
	@GO=$(GO) tools/fuzz.sh $(FUZZTIME) $(FUZZ_TARGETS)

# Go fuzz targets (package:Function). make test runs each for 10s; make fuzz runs FUZZTIME.
FUZZ_TARGETS := internal/family:FuzzAllowlist internal/family:FuzzPromLabelName \
	internal/resources:FuzzRecordFromProtobuf internal/resources:FuzzPodFields \
	receiver/kubestatereceiver:FuzzConfigValidate
FUZZTIME ?= 1m

fuzz:
	@GO=$(GO) tools/fuzz.sh $(FUZZTIME) $(FUZZ_TARGETS)

## ---- benchmark: kubestate and kube-state-metrics side by side on one synthetic cluster ----

BENCH_PODS ?= 10000
BENCH_CRS ?= 10000
BENCH_FLAGS ?=

# After the lean push row and the pull row, the pipelines users deploy (-pipeline): kubestate as the README
# recommends against KSM + the reference collector, at heavy churn and at light churn (-light).
bench: tools build peer
	@cd tools/harness && $(GO) run ./cmd/bench -pods $(BENCH_PODS) -bin $(BIN) -collector _build/otelcol-kubestate $(BENCH_FLAGS)
	@cd tools/harness && $(GO) run ./cmd/bench -pull -pods $(BENCH_PODS) -bin $(BIN) -collector _build/otelcol-kubestate $(BENCH_FLAGS)
	@cd tools/harness && $(GO) run ./cmd/bench -pipeline -pods $(BENCH_PODS) -bin $(BIN) -collector _build/otelcol-kubestate -peer $(PEER) $(BENCH_FLAGS)
	@cd tools/harness && $(GO) run ./cmd/bench -pipeline -light -pods $(BENCH_PODS) -bin $(BIN) -collector _build/otelcol-kubestate -peer $(PEER) $(BENCH_FLAGS)
	@$(MAKE) --no-print-directory bench-plot

# Every bench run appends its figures to docs/bench/results.jsonl; the plot of docs/performance.md is
# drawn from that file alone (Go's standard library, no network).
bench-plot:
	@cd tools/harness && $(GO) run ./cmd/benchplot

# The cost of each naming schema against KSM (lean push path, one run per schema): the synthetic
# cluster is seeded once and kept running across the runs, then stopped.
BENCH_SCHEMAS ?= ksm k8s_cluster semconv
bench-schemas: tools build $(BIN)/devcluster
	@state=$$(mktemp -d /tmp/kubestate-bench-schemas.XXXXXX); status=0; \
	for s in $(BENCH_SCHEMAS); do \
	  echo ">> bench -schema $$s"; \
	  (cd tools/harness && $(GO) run ./cmd/bench -pods $(BENCH_PODS) -schema $$s -state $$state -bin $(BIN) -collector _build/otelcol-kubestate $(BENCH_FLAGS)) || { status=1; break; }; \
	done; \
	$(BIN)/devcluster down -state $$state; exit $$status

# The apiserver's side: each collector alone against one seeded cluster, the kube-apiserver's CPU and
# RSS during its sync and steady watch beyond the apiserver's own baseline (cmd/bench/apiserver.go).
bench-apiserver: tools build
	@cd tools/harness && $(GO) run ./cmd/bench -apiserver -pods $(BENCH_PODS) -bin $(BIN) -collector _build/otelcol-kubestate $(BENCH_FLAGS)

# Custom resource state: BENCH_CRS Releases and testdata/bench/crs/config.yaml on both sides (KSM with
# --custom-resource-state-only); checks both export the same number of series first.
bench-crs: tools build
	@cd tools/harness && $(GO) run ./cmd/bench -crs $(BENCH_CRS) -bin $(BIN) -collector _build/otelcol-kubestate $(BENCH_FLAGS)

# Sharding: the unsharded pair beside BENCH_SHARDS shards of each side (KSM --shard/--total-shards,
# kubestate shard/total_shards) on one cluster; fails unless each side's shards add up to its
# unsharded instance. Not recorded in the results file (its plot is by cluster size, one process a side).
BENCH_SHARDS ?= 3
bench-sharded: tools build
	@cd tools/harness && $(GO) run ./cmd/bench -shards $(BENCH_SHARDS) -pods $(BENCH_PODS) -bin $(BIN) -collector _build/otelcol-kubestate $(BENCH_FLAGS)

# The hot paths as Go benchmarks (benchstat-friendly): the pdata floor, the snapshot, object -> record.
bench-go:
	@$(GO) test -run '^$$' -bench 'Floor|Collect|Record' -benchmem -count 6 ./internal/engine ./internal/resources

## ---- local control plane ----

cluster-up: $(BIN)/kube-apiserver $(BIN)/etcd $(BIN)/kubectl $(BIN)/devcluster
	@$(BIN)/devcluster up -bin $(BIN) -state $(STATE)

cluster-down: $(BIN)/devcluster
	@$(BIN)/devcluster down -state $(STATE)

## ---- tests ----

# Debian's prometheus package (2.42): the remote-write test (tools/harness/distribution) writes into a real
# Prometheus. Installed only when missing. The test runs its own instance on a free loopback port with
# its own storage; a service the package may start (on hosts with systemd) is left alone.
$(PROMETHEUS):
	@echo ">> installing Debian's prometheus package (the remote-write test needs a real Prometheus)"
	@apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus

# make test: everything CI runs. Integration tests start their own control plane from bin/;
# long benchmarks and scale runs have their own targets (bench, parity, reliability).
test: tools build build-alloy image check-generated $(PROMETHEUS)
	@echo ">> go build ./... (the receiver module at its go.mod minimum: collector v0.158.0 / v1.64.0, k8s.io v0.35.4)"
	@$(GO) build ./...
	@echo ">> gofmt, go vet"
	@test -z "$$(gofmt -l internal receiver tools)" || { gofmt -l internal receiver tools; echo "gofmt: files above need formatting (gofmt -w)"; exit 1; }
	@$(GO) vet ./...
	@cd tools/harness && $(GO) vet ./...
	@cd tools/k8sclusterref && $(GO) vet ./... && $(GO) test -count=1 ./...
	@echo ">> go test -race (the receiver module)"
	@$(GO) test -race -count=1 -timeout 20m ./...
	@echo ">> go test -race tools/harness (parity with KSM, the built distribution end to end)"
	@cd tools/harness && $(GO) test -race -count=1 -timeout 25m ./...
	@echo ">> go test tools/mixin (kubernetes-mixin rules through Prometheus' engine; own module; first build 3-6 min)"
	@cd tools/mixin && $(GO) vet ./... && $(GO) test -count=1 -timeout 10m ./...
	@echo ">> TestMixin again through the receiver's pull endpoint (its own process and control plane)"
	@cd tools/mixin && KUBESTATE_MIXIN_VIA=pull $(GO) test -count=1 -timeout 10m -run 'TestMixin$$' ./...
	@echo ">> TestMixin again with resend_interval: 6s (unchanged series sent every third cycle only)"
	@cd tools/mixin && KUBESTATE_MIXIN_RESEND=6s $(GO) test -count=1 -timeout 10m -run 'TestMixin$$' ./...
	@echo ">> TestMixin again over OTLP into Prometheus' OTLP write handler (its own process and control plane)"
	@cd tools/mixin && KUBESTATE_MIXIN_VIA=otlp $(GO) test -count=1 -timeout 10m -run 'TestMixin$$' ./...
	@echo ">> go test tools/image (the image archive: both platforms, uid 65532, entrypoint validates the bundled config)"
	@cd tools/image && $(GO) vet ./... && $(GO) test -count=1 ./...
	@echo ">> fuzz, 10s per target"
	@GO=$(GO) tools/fuzz.sh 10s $(FUZZ_TARGETS)

# Generated code and docs must match their sources (metadata.yaml, the family tables).
# Only mdatagen's outputs are compared, so work in progress on hand-written files is not flagged.
GENERATED := receiver/kubestatereceiver/generated_*.go receiver/kubestatereceiver/documentation.md receiver/kubestatereceiver/internal/metadata
check-generated: $(BIN)/mdatagen
	@cd receiver/kubestatereceiver && $(BIN)/mdatagen metadata.yaml
	@git diff --quiet -- $(GENERATED) || { git --no-pager diff --stat -- $(GENERATED); echo "generated files are stale: run make generate and commit"; exit 1; }
	@$(GO) test ./internal/schema -run TestMetricsReference -count=1 >/dev/null || { echo "docs/metrics.md is stale: run make generate and commit"; exit 1; }

clean:
	rm -rf _build
