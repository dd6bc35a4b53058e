package dev.locality.activities.stages.internal;

/** The buffer size every stage streams with: memory per stage stays bounded. */
public final class Buffers {
  /** 64 KiB. */
  public static final int SIZE = 64 * 1024;

  private Buffers() {}
}
