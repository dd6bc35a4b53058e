package dev.locality.activities.stages.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;

/**
 * A directory that {@link FileContainment#openDirectory} checked and opened without following a
 * link, and the file operations an atomic publication needs inside it, each by plain file name (no
 * separators): create a file exclusively, read one, rename one over another, hard-link one to a new
 * name, delete one. None of them follows a symbolic link at that name.
 *
 * <p>Where the platform has a {@link SecureDirectoryStream} (Linux) creating, reading, renaming and
 * deleting go through the open directory ({@code openat}, {@code renameat}, {@code unlinkat}), so
 * they act on the directory that was checked even if its path is changed meanwhile. Java has no
 * {@code linkat}: {@link #link} first re-verifies ({@link #verifyUnchanged}) that the path still
 * names the opened directory, then links by path; so does everything where the platform has no
 * secure directory stream. Not thread-safe; close it when done.
 */
public final class ContainedDirectory implements Closeable {
  private static final Set<OpenOption> CREATE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  private final Path path;
  private final SecureDirectoryStream<Path> dir;
  private final Object fileKey;

  private ContainedDirectory(Path path, SecureDirectoryStream<Path> dir, Object fileKey) {
    this.path = path;
    this.dir = dir;
    this.fileKey = fileKey;
  }

  /** Opens the directory at the real path {@code real} without following a link. */
  static ContainedDirectory open(Path real) throws IOException {
    SecureDirectoryStream<Path> dir = NoFollowFiles.openDirectory(real);
    if (dir != null) return new ContainedDirectory(real, dir, NoFollowFiles.fileKey(dir));
    BasicFileAttributes attributes =
        Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isDirectory()) {
      throw new NoFollowFiles.ChangedWhileOpenedException(real, "it is not a directory");
    }
    ContainedDirectory opened = new ContainedDirectory(real, null, attributes.fileKey());
    opened.verifyUnchanged();
    return opened;
  }

  /** The directory's real path. */
  public Path path() {
    return path;
  }

  /**
   * Creates the new file {@code name} for writing.
   *
   * @throws FileAlreadyExistsException when something, a link included, has that name
   */
  public FileChannel createFile(String name) throws IOException {
    SeekableByteChannel channel =
        dir != null
            ? dir.newByteChannel(name(name), CREATE)
            : Files.newByteChannel(path.resolve(name(name)), CREATE);
    if (channel instanceof FileChannel file) return file;
    channel.close();
    throw new IOException("cannot create " + path.resolve(name) + " as a file channel");
  }

  /** Opens the file {@code name} for reading (a symbolic link there is refused). */
  public OpenedFile openRead(String name) throws IOException {
    return dir != null
        ? NoFollowFiles.openRead(dir, name(name), path.resolve(name))
        : NoFollowFiles.openReadByPath(path.resolve(name(name)));
  }

  /** Whether anything, a dangling link included, has the name {@code name}. */
  public boolean exists(String name) throws IOException {
    return Files.exists(path.resolve(name(name)), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Renames {@code source} to {@code target} atomically, replacing what {@code target} named.
   *
   * @throws IOException when the file system cannot rename atomically
   */
  public void replace(String source, String target) throws IOException {
    if (dir != null) {
      dir.move(name(source), dir, name(target)); // renameat: same directory, atomic
      return;
    }
    verifyUnchanged();
    try {
      Files.move(
          path.resolve(name(source)), path.resolve(name(target)), StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot rename " + source + " to " + target + " atomically in " + path, e);
    }
  }

  /**
   * Gives the file {@code existing} the additional name {@code target}, atomically failing when
   * {@code target} exists: the exclusive commit of {@code overwrite: false}.
   *
   * @throws FileAlreadyExistsException when {@code target} exists
   * @throws UnsupportedOperationException when the file system has no hard links (some report it as
   *     a {@link java.nio.file.FileSystemException} "Operation not permitted" instead)
   */
  public void link(String existing, String target) throws IOException {
    verifyUnchanged();
    Files.createLink(path.resolve(name(target)), path.resolve(name(existing)));
  }

  /**
   * Gives the file at {@code existing}, which lies outside this directory, the additional name
   * {@code target} here, failing when {@code target} exists. Linux's {@code link} does not follow a
   * symbolic link at {@code existing}; callers check that it is a regular file first anyway.
   *
   * @throws FileAlreadyExistsException when {@code target} exists
   * @throws UnsupportedOperationException when the file system has no hard links; a {@link
   *     java.nio.file.FileSystemException} when the two are on different file systems
   */
  public void linkFrom(Path existing, String target) throws IOException {
    verifyUnchanged();
    Files.createLink(path.resolve(name(target)), existing);
  }

  /** Deletes {@code name} when present (a link is deleted, never followed). */
  public void delete(String name) throws IOException {
    if (dir != null) {
      try {
        dir.deleteFile(name(name));
      } catch (java.nio.file.NoSuchFileException e) {
        // already gone
      }
    } else {
      Files.deleteIfExists(path.resolve(name(name)));
    }
  }

  /**
   * Checks that {@link #path()} still names the directory that was opened: its real path is itself
   * and its file key is the opened directory's.
   *
   * @throws NoFollowFiles.ChangedWhileOpenedException when not
   */
  public void verifyUnchanged() throws IOException {
    Path now = path.toRealPath();
    Object key =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    if (!now.equals(path) || !Objects.equals(key, fileKey)) {
      throw new NoFollowFiles.ChangedWhileOpenedException(
          path, "it now resolves to " + now + ", file key " + key + " instead of " + fileKey);
    }
  }

  private static Path name(String name) {
    Path p = Path.of(name);
    if (p.getNameCount() != 1 || p.isAbsolute() || name.equals("..") || name.equals(".")) {
      throw new IllegalArgumentException("not a plain file name: " + name);
    }
    return p;
  }

  @Override
  public void close() throws IOException {
    if (dir != null) dir.close();
  }
}
