package dev.locality.activities.session;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A session this worker holds a lease for.
 *
 * @param sessionId the id the workflow chose
 * @param workflowId the pipeline's workflow id
 * @param dir the session's work directory
 * @param openedAt when the lease took the session
 */
public record OpenSession(String sessionId, String workflowId, Path dir, Instant openedAt) {}
