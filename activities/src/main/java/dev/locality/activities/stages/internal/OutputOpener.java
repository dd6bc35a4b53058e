package dev.locality.activities.stages.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Opens a stage's new output file; in a stage, {@code context::createOutput}, which computes the
 * file's size and SHA-256 while it is written (see {@link
 * dev.locality.stage.StageContext#createOutput}).
 */
@FunctionalInterface
public interface OutputOpener {
  /**
   * Creates {@code file} for writing.
   *
   * @throws java.nio.file.FileAlreadyExistsException when it exists
   */
  OutputStream create(Path file) throws IOException;
}
