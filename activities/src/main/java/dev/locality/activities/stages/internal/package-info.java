/**
 * Helpers shared by the built-in stages: option reading, safe paths, digests, waiting while
 * heartbeating. Not a public contract: plugin authors use {@code dev.locality.stage} (progress
 * throttling and output clean-up are the framework's, see {@code dev.locality.stage.runtime}).
 */
package dev.locality.activities.stages.internal;
