package resources

import (
	"testing"

	"github.com/kubestate/kubestate/internal/testenv"
)

// TestMain stops the control plane that the apiserver tests (TestSecretsTableAgainstAPIServer)
// start on first use; the table tests never start one.
func TestMain(m *testing.M) { testenv.Main(m) }
