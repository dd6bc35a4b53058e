/**
 * The framework that runs stages: shared by the worker and the test kit so both treat a stage the
 * same way. Stage authors do not call it; it lives in the stage API's artifact only so that the
 * test kit needs nothing else.
 */
package dev.locality.stage.runtime;
