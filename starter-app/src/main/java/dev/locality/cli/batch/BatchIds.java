package dev.locality.cli.batch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Workflow ids of batch runs: {@code <pipeline name>-<first 12 hex digits of sha256(input)>}. The
 * same pipeline over the same input always gets the same id, which is what makes a re-run batch
 * skip the inputs that already completed (see {@code PipelineStarter}). Stateless, thread-safe.
 */
public final class BatchIds {
  private BatchIds() {}

  public static String of(String pipelineName, String input) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
      return pipelineName + "-" + HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
