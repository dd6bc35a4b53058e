package dev.locality.activities.stages.csv;

/**
 * A set of 128-bit hashes in open addressing over two {@code long} arrays: 16 bytes per slot, at
 * most half the slots used, so about 32 bytes per key. Grows by doubling. Not thread-safe.
 */
final class HashSet128 {
  private long[] high;
  private long[] low;
  private boolean[] used;
  private int size;
  private int mask;

  HashSet128() {
    allocate(1 << 10);
  }

  int size() {
    return size;
  }

  boolean contains(long h1, long h2) {
    for (int i = (int) h1 & mask; used[i]; i = (i + 1) & mask) {
      if (high[i] == h1 && low[i] == h2) return true;
    }
    return false;
  }

  /** Adds the hash; returns false when it was there already. */
  boolean add(long h1, long h2) {
    int i = (int) h1 & mask;
    for (; used[i]; i = (i + 1) & mask) {
      if (high[i] == h1 && low[i] == h2) return false;
    }
    high[i] = h1;
    low[i] = h2;
    used[i] = true;
    if (++size * 2 > high.length) grow();
    return true;
  }

  private void allocate(int capacity) {
    high = new long[capacity];
    low = new long[capacity];
    used = new boolean[capacity];
    mask = capacity - 1;
    size = 0;
  }

  private void grow() {
    long[] oldHigh = high;
    long[] oldLow = low;
    boolean[] oldUsed = used;
    allocate(high.length * 2);
    for (int i = 0; i < oldHigh.length; i++) {
      if (oldUsed[i]) add(oldHigh[i], oldLow[i]);
    }
  }
}
