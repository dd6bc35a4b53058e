/**
 * Helpers shared by the built-in stages: throttled progress, option reading, output clean-up, safe
 * paths, digests. Not a public contract: plugin authors use {@code dev.locality.stage}.
 */
package dev.locality.activities.stages.internal;
