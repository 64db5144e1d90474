// Package e2e holds the browser tests: the application runs with the demo data set, a headless
// Chromium logs in as each demo account and opens that role's pages, and every page must pass
// axe-core (WCAG 2.0 and 2.1, levels A and AA) with no violation, must not scroll sideways at
// 375 px wide, and its HTML, as the server sent it, must pass the Nu HTML checker.
//
// The tests need /usr/bin/chromium (or MEDIATION_CHROMIUM), and the tools that
// `npm ci --prefix .ci` installs in .ci/node_modules: axe-core, and vnu-jar, which also needs
// java. Without Chromium the tests skip; without axe-core, or without java or vnu.jar, only the
// part that needs it skips, and says so. MEDIATION_AXE, MEDIATION_JAVA and MEDIATION_VNU_JAR
// name other files. `go test -short` skips the browser tests.
//
// A new page is one more path in the pages table of pages_test.go; a page that is reached by
// doing something (a form sent with errors, a button) is one more flow there.
//
// One Chromium serves the whole test, with a few tabs working at once: each account's pages
// and flows are a part that a tab does alone, on a copy of the demo database of its own, so
// that no part sees what another changes and their order does not matter.
package e2e
