/**
 * Stage checkpoints for cross-worker failover: the activities that copy a completed stage's outputs
 * to a store and restore them into another worker's session.
 */
package dev.locality.api.checkpoint;
