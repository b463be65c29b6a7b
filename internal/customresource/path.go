package customresource

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a compiled path: one step per element, each applied to what the previous one found.
// A step that does not apply (a key on a list, an index out of range, no element matching a
// selector) yields nil, and so does every step after it.
type Path []step

// step is one path element. Exactly one of its forms applies, chosen when the path is compiled:
//
//	"[key=value]"  on a list: its first object whose key equals value (as a string, or as a number
//	               or a bool when value reads as one)
//	"key=value"    on an object: value itself if the object's key holds exactly that string,
//	               otherwise the field named "key=value"
//	"name"         on an object: the field; on a list, a decimal index (negative counts from the end)
type step struct {
	text string // as configured, for messages

	selector         bool
	key, value       string // selector or key=value match
	match            bool   // text is key=value (exactly one "=")
	number           float64
	isNumber, isBool bool
	boolean          bool
}

// CompilePath compiles one configured path; an element "[...]" without "=" is refused.
func CompilePath(elems []string) (Path, error) {
	p := make(Path, 0, len(elems))
	for _, e := range elems {
		s := step{text: e}
		if strings.HasPrefix(e, "[") && strings.HasSuffix(e, "]") && len(e) >= 2 {
			k, v, ok := strings.Cut(e[1:len(e)-1], "=")
			if !ok {
				return nil, fmt.Errorf("path element %q: a list selector is [key=value]", e)
			}
			s.selector, s.key, s.value = true, k, v
			if n, err := toFloat(v, false); err == nil {
				s.number, s.isNumber = n, true
			}
			if b, err := strconv.ParseBool(v); err == nil {
				s.boolean, s.isBool = b, true
			}
		} else if parts := strings.Split(e, "="); len(parts) == 2 {
			s.match, s.key, s.value = true, parts[0], parts[1]
		}
		p = append(p, s)
	}
	return p, nil
}

// Get resolves the path in v (an unstructured value); nil when it does not resolve. The empty
// path is v itself.
func (p Path) Get(v any) any {
	for i := range p {
		if v == nil {
			return nil
		}
		v = p[i].apply(v)
	}
	return v
}

func (s *step) apply(v any) any {
	if s.selector {
		list, ok := v.([]any)
		if !ok {
			return nil
		}
		for _, el := range list {
			obj, ok := el.(map[string]any)
			if !ok {
				continue
			}
			c, set := obj[s.key]
			if !set {
				continue
			}
			if str, ok := c.(string); ok && str == s.value {
				return obj
			}
			if s.isNumber {
				if n, err := toFloat(c, false); err == nil && n == s.number {
					return obj
				}
			}
			if b, ok := c.(bool); ok && s.isBool && b == s.boolean {
				return obj
			}
		}
		return nil
	}
	switch t := v.(type) {
	case map[string]any:
		if s.match {
			if str, ok := t[s.key].(string); ok && str == s.value {
				return str
			}
		}
		return t[s.text]
	case []any:
		i, err := strconv.Atoi(s.text)
		if err != nil {
			return nil
		}
		if i < 0 {
			i += len(t)
		}
		if i < 0 || i >= len(t) {
			return nil
		}
		return t[i]
	}
	return nil
}

// String is the path as KSM prints it in messages: [a,b,c].
func (p Path) String() string {
	parts := make([]string, len(p))
	for i := range p {
		parts[i] = p[i].text
	}
	return "[" + strings.Join(parts, ",") + "]"
}
