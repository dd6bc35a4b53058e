/**
 * Same-host resume on the worker side: the marker that keeps a session's files for a restarted
 * worker ({@link dev.locality.activities.resume.ReattachMarker}) and the check of the outputs a
 * restarted worker finds against what the stages recorded ({@link
 * dev.locality.activities.resume.OutputVerifier}). Depends on no other package of this module.
 */
package dev.locality.activities.resume;
