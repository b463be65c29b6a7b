package customresource

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// toFloat converts an unstructured value to a point's value, in this order: nil (0 with nilIsZero,
// else an error); bools; strings "true"/"yes" (1) and "false"/"no"/"unknown" (0), any case; RFC3339
// times (Unix seconds); quantities ("250m", "5Gi", and plain numbers); percentages ("28%" is 0.28);
// then strconv.ParseFloat; numbers as they are. Objects and lists are errors.
func toFloat(v any, nilIsZero bool) (float64, error) {
	switch t := v.(type) {
	case nil:
		if nilIsZero {
			return 0, nil
		}
		return 0, errors.New("expected number but found nil value")
	case bool:
		if t {
			return 1, nil
		}
		return 0, nil
	case string:
		return stringToFloat(t)
	case int64:
		return float64(t), nil
	case float64:
		return t, nil
	case int:
		return float64(t), nil
	case int32:
		return float64(t), nil
	case uint8:
		return float64(t), nil
	case uint:
		return float64(t), nil
	case uint32:
		return float64(t), nil
	case uint64:
		return float64(t), nil
	case float32:
		return float64(t), nil
	}
	return 0, fmt.Errorf("expected number but was %v", v)
}

func stringToFloat(s string) (float64, error) {
	switch strings.ToLower(s) {
	case "true", "yes":
		return 1, nil
	case "false", "no", "unknown":
		return 0, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return float64(t.Unix()), nil
	}
	if q, err := resource.ParseQuantity(s); err == nil {
		return q.AsApproximateFloat64(), nil
	}
	if len(validation.IsValidPercent(s)) == 0 {
		f, err := strconv.ParseFloat(strings.TrimRight(s, "%"), 64)
		return f / 100, err
	}
	return strconv.ParseFloat(s, 64)
}
