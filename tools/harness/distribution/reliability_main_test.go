package distribution

import (
	"testing"

	"github.com/kubestate/kubestate/internal/testenv"
)

// TestMain gives the package's reliability tests a control plane of their own (started on first use
// from bin/, stopped when the tests end). The validate tests never start one.
func TestMain(m *testing.M) { testenv.Main(m) }
