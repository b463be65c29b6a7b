package customresource

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	yaml "sigs.k8s.io/yaml/goyaml.v3"
)

// Config is KSM's CustomResourceStateMetrics document, field for field (kind and apiVersion are
// not read, as KSM does not read them).
type Config struct {
	Spec struct {
		Resources []ResourceConfig `yaml:"resources"`
	} `yaml:"spec"`
}

// GroupVersionKind names the watched kind; Version and Kind may be "*" (or empty): every served
// version / every kind of the group that a CRD defines.
type GroupVersionKind struct {
	Group   string `yaml:"group"`
	Version string `yaml:"version"`
	Kind    string `yaml:"kind"`
}

func (g GroupVersionKind) String() string { return g.Group + "/" + g.Version + ", Kind=" + g.Kind }

// ResourceConfig is one entry of spec.resources.
type ResourceConfig struct {
	GroupVersionKind GroupVersionKind    `yaml:"groupVersionKind"`
	ResourcePlural   string              `yaml:"resourcePlural"`
	MetricNamePrefix *string             `yaml:"metricNamePrefix"` // nil: kube_customresource; "": none
	CommonLabels     map[string]string   `yaml:"commonLabels"`
	LabelsFromPath   map[string][]string `yaml:"labelsFromPath"`
	Metrics          []MetricConfig      `yaml:"metrics"`
	ErrorLogV        int32               `yaml:"errorLogV"`
}

// MetricConfig is one entry of a resource's metrics.
type MetricConfig struct {
	Name           string              `yaml:"name"`
	Help           string              `yaml:"help"`
	CommonLabels   map[string]string   `yaml:"commonLabels"`
	LabelsFromPath map[string][]string `yaml:"labelsFromPath"`
	Each           EachConfig          `yaml:"each"`
	ErrorLogV      int32               `yaml:"errorLogV"`
}

// EachConfig says what each point of a metric is: Type (Gauge, StateSet or Info, any case) picks
// which of the three blocks is read.
type EachConfig struct {
	Type     string          `yaml:"type"`
	Gauge    *GaugeConfig    `yaml:"gauge"`
	StateSet *StateSetConfig `yaml:"stateSet"`
	Info     *InfoConfig     `yaml:"info"`
}

type GaugeConfig struct {
	Path           []string            `yaml:"path"`
	LabelsFromPath map[string][]string `yaml:"labelsFromPath"`
	LabelFromKey   string              `yaml:"labelFromKey"`
	ValueFrom      []string            `yaml:"valueFrom"`
	NilIsZero      bool                `yaml:"nilIsZero"`
}

type StateSetConfig struct {
	Path           []string            `yaml:"path"`
	LabelsFromPath map[string][]string `yaml:"labelsFromPath"`
	List           []string            `yaml:"list"`
	LabelName      string              `yaml:"labelName"`
	ValueFrom      []string            `yaml:"valueFrom"`
}

type InfoConfig struct {
	Path           []string            `yaml:"path"`
	LabelsFromPath map[string][]string `yaml:"labelsFromPath"`
	LabelFromKey   string              `yaml:"labelFromKey"`
}

// Parse reads a CustomResourceStateMetrics document as KSM does (the first YAML document; unknown
// keys are ignored). Compile checks what it says.
func Parse(data []byte) (*Config, error) {
	var c Config
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("custom resource state config is empty")
		}
		return nil, fmt.Errorf("custom resource state config: %w", err)
	}
	return &c, nil
}
