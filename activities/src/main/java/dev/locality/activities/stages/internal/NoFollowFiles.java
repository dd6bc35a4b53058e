package dev.locality.activities.stages.internal;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;

/**
 * Opens files and directories at an absolute real path without following any symbolic link on the
 * way, so that what is opened is what a check of that path approved even when the path is changed
 * meanwhile.
 *
 * <p>Where the platform offers a {@link SecureDirectoryStream} (Linux: {@code openat} with {@code
 * O_NOFOLLOW}), the path is walked from the file system root one name at a time, each directory
 * opened relative to the previous one: a name replaced by a symbolic link after the check fails the
 * open ({@link java.nio.file.FileSystemException}, "Too many levels of symbolic links" or "Not a
 * directory"). Elsewhere (macOS, Windows) the path is opened with {@link LinkOption#NOFOLLOW_LINKS}
 * and then re-verified: its real path must still be itself and its file key the same before and
 * after the open. That narrows the window but cannot close it; workers run on Linux.
 *
 * <p>In both cases the file key read before the open must equal the one read after it, else {@link
 * ChangedWhileOpenedException}. Stateless; thread-safe.
 */
final class NoFollowFiles {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private NoFollowFiles() {}

  /** Thrown when the path no longer names what was checked when it is opened. */
  static final class ChangedWhileOpenedException extends IOException {
    ChangedWhileOpenedException(Path path, String how) {
      super(path + " changed while it was opened (" + how + ")");
    }
  }

  /**
   * Opens the directory at {@code real} (absolute, already resolved), never following a link.
   *
   * @return the directory's secure stream, or null where the platform has none
   */
  static SecureDirectoryStream<Path> openDirectory(Path real) throws IOException {
    DirectoryStream<Path> root = Files.newDirectoryStream(real.getRoot());
    if (!(root instanceof SecureDirectoryStream<Path> dir)) {
      root.close();
      return null;
    }
    try {
      for (Path name : real) {
        SecureDirectoryStream<Path> next = dir.newDirectoryStream(name, NOFOLLOW);
        dir.close();
        dir = next;
      }
      return dir;
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  /** The file key of an open directory (of the directory itself, not of a path naming it). */
  static Object fileKey(SecureDirectoryStream<Path> dir) throws IOException {
    return dir.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
  }

  /**
   * Opens the file {@code real} (absolute, already resolved) for reading, never following a link.
   */
  static OpenedFile openRead(Path real) throws IOException {
    Path parent = real.getParent();
    if (parent == null) throw new ChangedWhileOpenedException(real, "it is a file system root");
    SecureDirectoryStream<Path> dir = openDirectory(parent);
    if (dir == null) return openReadByPath(real);
    try (dir) {
      return openRead(dir, real.getFileName(), real);
    }
  }

  /** Opens {@code name} in the open directory {@code dir} for reading, never following a link. */
  static OpenedFile openRead(SecureDirectoryStream<Path> dir, Path name, Path shownAs)
      throws IOException {
    BasicFileAttributeView view =
        dir.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW);
    BasicFileAttributes before = view.readAttributes();
    if (before.isSymbolicLink()) {
      throw new ChangedWhileOpenedException(shownAs, "it is now a symbolic link");
    }
    SeekableByteChannel channel =
        dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    return verified(channel, before, view.readAttributes(), shownAs);
  }

  /** The fallback without {@link SecureDirectoryStream}: open, then re-verify the path. */
  static OpenedFile openReadByPath(Path real) throws IOException {
    BasicFileAttributes before = Files.readAttributes(real, BasicFileAttributes.class, NOFOLLOW);
    if (before.isSymbolicLink()) {
      throw new ChangedWhileOpenedException(real, "it is now a symbolic link");
    }
    SeekableByteChannel channel =
        Files.newByteChannel(real, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    try {
      if (!real.toRealPath().equals(real)) {
        throw new ChangedWhileOpenedException(real, "it now resolves to " + real.toRealPath());
      }
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return verified(
        channel, before, Files.readAttributes(real, BasicFileAttributes.class, NOFOLLOW), real);
  }

  private static OpenedFile verified(
      SeekableByteChannel channel, BasicFileAttributes before, BasicFileAttributes after, Path path)
      throws IOException {
    if (!Objects.equals(before.fileKey(), after.fileKey())) {
      channel.close();
      throw new ChangedWhileOpenedException(path, "another file took its place");
    }
    return new OpenedFile(channel, after);
  }
}
