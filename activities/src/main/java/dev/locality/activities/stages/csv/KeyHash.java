package dev.locality.activities.stages.csv;

/**
 * A 128-bit hash of a row's key values, as two longs: what {@link DuplicateFilter} compares instead
 * of the values themselves, so a key costs 16 bytes of memory whatever its length. Two different
 * keys share a hash with probability about 2<sup>-128</sup> per pair (for 10<sup>9</sup> distinct
 * keys, about 10<sup>-21</sup> that any two do): then the later row would be dropped as a
 * duplicate. The hash is not cryptographic: do not rely on it against crafted input. Null and the
 * empty string hash differently, and so do ("ab","c") and ("a","bc").
 */
public final class KeyHash {
  private static final long SEED_1 = 0x9E3779B97F4A7C15L;
  private static final long SEED_2 = 0xC2B2AE3D27D4EB4FL;

  private long h1;
  private long h2;

  /** Hashes {@code values} (null entries allowed); read the result with {@link #h1}/{@link #h2}. */
  public KeyHash of(String[] values) {
    long a = SEED_1;
    long b = SEED_2;
    for (String value : values) {
      if (value == null) {
        a = mix(a ^ 0x51AFD7ED558CCD6DL);
        b = mix(b + 0x4CF5AD432745937FL);
        continue;
      }
      int n = value.length();
      for (int i = 0; i < n; i++) {
        char c = value.charAt(i);
        a = (a ^ c) * 0x100000001B3L;
        b = Long.rotateLeft(b + c * 0xFF51AFD7ED558CCDL, 29) * 0xC4CEB9FE1A85EC53L;
      }
      a = mix(a ^ n);
      b = mix(b + n * 0x9E3779B97F4A7C15L);
    }
    h1 = mix(a ^ Long.rotateLeft(b, 17));
    h2 = mix(b ^ Long.rotateLeft(a, 41));
    return this;
  }

  public long h1() {
    return h1;
  }

  public long h2() {
    return h2;
  }

  /** MurmurHash3's 64-bit finaliser. */
  private static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xFF51AFD7ED558CCDL;
    k ^= k >>> 33;
    k *= 0xC4CEB9FE1A85EC53L;
    k ^= k >>> 33;
    return k;
  }
}
