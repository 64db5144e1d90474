//go:build !race

package app_test

// raceDetector tells whether the tests run under the race detector, which multiplies the
// memory of the process: memory ceilings are measured without it.
const raceDetector = false
