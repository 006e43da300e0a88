//go:build tools

// Pins the Pulumi CLI into this module so `go build` can build it with the
// replaces above (a plain `go install ...@version` refuses modules that carry
// replace directives).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
