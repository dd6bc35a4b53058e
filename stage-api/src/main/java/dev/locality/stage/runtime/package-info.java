/**
 * The framework that runs stages: shared by the worker and the test kit so both treat a stage the
 * same way. {@link dev.locality.stage.runtime.AttemptRunner} runs one attempt (pass-through of
 * artifacts the stage does not consume, clean-up on failure) in an {@link
 * dev.locality.stage.runtime.AttemptContext} (the one {@code StageContext} implementation) over
 * {@link dev.locality.stage.runtime.AttemptDirs} (the {@code <index>-<type>/attempt-<n>} and {@code
 * resume-<n>} layout); heartbeats leave through a {@link
 * dev.locality.stage.runtime.HeartbeatChannel}. Stage authors do not call it; it lives in the stage
 * API's artifact only so that the test kit needs nothing else.
 */
package dev.locality.stage.runtime;
