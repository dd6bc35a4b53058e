package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.BadInputException;
import dev.locality.stage.ByteSizes;
import dev.locality.stage.StageConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Holds the default CSV engine ({@link CsvEngine#FAST}: FastCSV and {@link MinimalRowWriter}) to
 * the reference ({@link CsvEngine#COMMONS}: Commons CSV): both transform the same inputs with the
 * same options, and must give the same row counts, the same output and rejects bytes (rejects carry
 * line numbers and reasons), or the same bad-input message. The inputs: every CSV file of the test
 * resources, every case of {@link CorpusTest} and {@link CsvCorpusTest}, every CSV literal passed
 * to a stage test's {@code input(...)} (found in the test sources), a hand-made corpus of awkward
 * CSV (quotes, line breaks in fields, CRLF, CR, BOM, UTF-8, empty fields and lines, ragged rows,
 * bad encoding, NUL, overlong records, text after a closing quote), each under several dialect
 * profiles, and a few thousand random CSV-like inputs.
 */
class CsvEngineConformanceTest {
  private static final long SMALL_LIMIT = RecordSizeGuard.MIN_LIMIT;

  /** Few, so that dedupe spills to disk. */
  private static final int DEDUPE_MEMORY_KEYS = 3;

  private static final Pattern INPUT_LITERAL =
      Pattern.compile(
          "\\.input\\(\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*,\\s*((?:\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\+?\\s*)+)\\)");
  private static final Pattern STRING_CONSTANT =
      Pattern.compile(
          "static final String [A-Z_0-9]+\\s*=\\s*((?:\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\+?\\s*)+);");
  private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** Dialect profiles every fixed input runs under. */
  static final List<Map<String, Object>> PROFILES =
      List.of(
          Map.of(),
          Map.of("maxRejects", "100%"),
          Map.of(
              "maxRejects",
              "100%",
              "emptyAsNull",
              true,
              "nullValue",
              "NULL",
              "lineEnding",
              "crlf",
              "outputDelimiter",
              ";"),
          Map.of("maxRejects", "100%", "delimiter", ";", "quote", "'"),
          Map.of("maxRejects", "100%", "skipLines", 1L, "header", List.of("a", "b", "c")),
          Map.of("maxRejects", "100%", "trim", true, "outputHeader", false),
          Map.of("maxRejects", "100%", "quoteMode", "all"),
          Map.of("maxRejects", "100%", "quoteMode", "non-numeric"),
          Map.of("maxRejects", "100%", "delimiter", "\t", "outputDelimiter", "|"),
          Map.of("maxRejects", "100%", "encoding", "ISO-8859-1"),
          Map.of("maxRejects", "100%", "dedupe", List.of("a")),
          Map.of(
              "maxRejects",
              "100%",
              "emptyAsNull",
              true,
              "filter",
              "a != 'x'",
              "derive",
              Map.of("n", "size(a)")),
          Map.of("maxRejects", "100%", "filter", "a != 'x' && !a.startsWith('#')"),
          Map.of(
              "maxRejects",
              "100%",
              "nullValue",
              "1",
              "select",
              List.of("b", "a"),
              "rename",
              Map.of("a", "z"),
              "filter",
              "b == null || b.size() < 3",
              "outputDelimiter",
              "|"),
          Map.of("maxRejects", "100%", "filter", "int(a) > 0"));

  @TempDir Path tmp;

  /** One input with its options and the guard's limit. */
  record Input(String label, byte[] bytes, Map<String, Object> options, long maxRecord) {
    @Override
    public String toString() {
      return label + (options.isEmpty() ? "" : " " + options);
    }
  }

  /** What a transform gave: counts, output and rejects bytes, or the error. */
  record Outcome(
      String error,
      long in,
      long out,
      long filtered,
      long rejected,
      String output,
      String rejects) {}

  // ---------------------------------------------------------------- the corpus

  static Stream<Input> resourceFiles() throws IOException {
    List<Input> inputs = new ArrayList<>();
    try (Stream<Path> files = Files.list(CorpusTest.corpusDir())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
        byte[] bytes = Files.readAllBytes(file);
        for (Map<String, Object> p : PROFILES) {
          inputs.add(new Input("resource " + file.getFileName(), bytes, p, SMALL_LIMIT));
        }
      }
    }
    return inputs.stream();
  }

  static Stream<Input> corpusCases() throws IOException {
    List<Input> inputs = new ArrayList<>();
    for (CorpusTest.Case c : CorpusTest.cases().toList()) {
      if (!(c.stage() instanceof TransformCsvStage)) continue;
      inputs.add(
          new Input(
              "CorpusTest " + c.file(),
              CorpusTest.corpus(c.file()),
              c.options(),
              limit(c.workerSettings())));
    }
    for (CsvCorpusTest.Case c :
        Stream.concat(CsvCorpusTest.badInput(), CsvCorpusTest.valid()).toList()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      c.content().write(bytes);
      inputs.add(
          new Input(
              "CsvCorpusTest " + c.name(), bytes.toByteArray(), c.options(), limit(c.settings())));
    }
    return inputs.stream();
  }

  /** Every CSV literal the stage tests pass to {@code input(...)} or keep in a constant. */
  static Stream<Input> testSourceLiterals() throws IOException {
    List<Input> inputs = new ArrayList<>();
    for (String literal : literalsInTestSources()) {
      byte[] bytes = literal.getBytes(StandardCharsets.UTF_8);
      for (Map<String, Object> p : PROFILES) {
        inputs.add(new Input("literal " + abbreviate(literal), bytes, p, SMALL_LIMIT));
      }
    }
    return inputs.stream();
  }

  static Stream<Input> handMade() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("quotes", "a,b,c\n\"x\",\"y\"\"z\",\"\"\n\"\"\"\",q\"r,\"s,t\"\n");
    cases.put("line breaks in fields", "a,b\n\"1\n2\",\"3\r\n4\"\n\"5\r6\",7\n");
    cases.put("CRLF", "a,b\r\n1,2\r\n3,4\r\n");
    cases.put("CR only", "a,b\r1,2\r3\r4,5\r");
    cases.put("BOM", "\uFEFFa,b\n1,2\n");
    cases.put("BOM then empty line", "\uFEFF\na,b\n1,2\n");
    cases.put("UTF-8", "städt,名前,emoji\nKöln,東京,😀\n\"ü,ß\",é,\"€\"\"\"\n");
    cases.put("empty fields", "a,b,c\n,,\n\"\",,\n,\"\",\n1,,\n");
    cases.put("empty lines", "\n\na,b\n\n1,2\n\n\n3\n\r\n4,5,6\n\n");
    cases.put("ragged", "a,b\n1\n1,2,3\n,\n1,2\n");
    cases.put("no final line break", "a,b\n1,2");
    cases.put("trailing delimiter at end", "a,b\n1,");
    cases.put("only a header", "a,b\n");
    cases.put("empty", "");
    cases.put("only line breaks", "\n\r\n\r");
    cases.put("white space after a closing quote", "a,b\n\"x\" ,y\n\"z\"\t\n");
    cases.put("text after a closing quote", "a,b\n1,2\n\"x\"y,z\n");
    cases.put("unclosed quote at the end", "a,b\n1,2\n3,\"open\n4,5\n");
    cases.put("quote inside an unquoted field", "a,b\nx\"y,z\"\n");
    cases.put("leading space before a quote", "a,b\n \"x\",y\n");
    cases.put("NUL", "a,b\n1,2\n3,\u0000\n");
    cases.put("duplicate header", "a,a\n1,2\n");
    cases.put(
        "values quoted on output",
        "a,b,c\n#x,!y, z\nw ,\tv,u\u0001\n\"a;b\",\"c|d\",'e'\n-1,+2,.5\n");
    cases.put("CRLF split by CR", "a,b\r\r\n1,2\r\r\n");
    cases.put("lone quote field", "a,b\n\",\n");
    Map<String, byte[]> raw = new LinkedHashMap<>();
    cases.forEach((k, v) -> raw.put(k, v.getBytes(StandardCharsets.UTF_8)));
    raw.put("invalid UTF-8", concat("a,b\n1,2\n3,", new byte[] {(byte) 0xC3, 0x28}, "\n5,6\n"));
    raw.put("truncated UTF-8 at the end", concat("a,b\n1,\u00e9", new byte[] {(byte) 0xE2}, ""));
    raw.put("latin-1 bytes", concat("a,b\n1,K", new byte[] {(byte) 0xF6}, "ln\n"));
    raw.put("overlong record", ("a,b\n1,2\n3," + "x".repeat(70_000) + "\n5,6\n").getBytes());
    raw.put("overlong quoted field", ("a,b\n1,\"" + "y\n".repeat(40_000) + "\"\n").getBytes());
    raw.put("many fields", ("a,b\n" + ",".repeat(2_000) + "\n1,2\n").getBytes());
    raw.put("bench-like rows", benchLike(500));
    List<Input> inputs = new ArrayList<>();
    raw.forEach(
        (label, bytes) -> {
          for (Map<String, Object> p : PROFILES) {
            inputs.add(new Input(label, bytes, p, SMALL_LIMIT));
          }
        });
    return inputs.stream();
  }

  // ---------------------------------------------------------------- the tests

  @ParameterizedTest(name = "{0}")
  @MethodSource({"resourceFiles", "corpusCases", "testSourceLiterals", "handMade"})
  void bothEnginesAgree(Input input) throws IOException {
    Outcome reference = run(input, CsvEngine.COMMONS);
    Outcome fast = run(input, CsvEngine.FAST);
    assertThat(fast).as("FAST vs COMMONS on %s", input).isEqualTo(reference);
  }

  @Test
  void randomInputsAgreeAndMostAreReadByFastCsv() throws IOException {
    Random random = new Random(20261204);
    int refused = 0;
    int valid = 0;
    long byteLane = 0;
    int n = 3000;
    for (int i = 0; i < n; i++) {
      byte[] bytes = randomCsv(random).getBytes(StandardCharsets.UTF_8);
      // the profiles before those naming columns a and b, which random headers rarely have
      Map<String, Object> profile = PROFILES.get(random.nextInt(PROFILES.size() - 3));
      Input input = new Input("random #" + i, bytes, profile, SMALL_LIMIT);
      Outcome reference = run(input, CsvEngine.COMMONS);
      RunStats stats = new RunStats();
      Outcome fast = run(input, CsvEngine.FAST, stats);
      assertThat(fast)
          .as("FAST vs COMMONS on %s: %s", input, new String(bytes, StandardCharsets.UTF_8))
          .isEqualTo(reference);
      byteLane += stats.byteLaneReads;
      if (reference.error() == null) {
        valid++;
        refused += stats.rereads;
      }
    }
    // FastCSV refuses valid input only for white space after a closing quote
    assertThat(valid).as("random inputs that are valid CSV").isGreaterThan(n / 2);
    assertThat(refused).as("valid inputs FastCSV refused").isLessThan(valid / 10);
    assertThat(byteLane).as("inputs read on the byte lane").isGreaterThan(n / 3);
  }

  @Test
  void validInputIsReadByFastCsvWithoutFallingBack() throws IOException {
    RunStats stats = new RunStats();
    Input input =
        new Input("bench-like", benchLike(2000), Map.of("maxRejects", "100%"), SMALL_LIMIT);
    run(input, CsvEngine.FAST, stats);
    assertThat(stats.rereads).isZero();
    assertThat(stats.byteLaneReads).as("read on the byte lane").isEqualTo(1);
  }

  /** The byte lane agrees with the reference on the bench's options, non-ASCII and rejects. */
  @Test
  void benchOptionsAreReadOnTheByteLaneAndAgree() throws IOException {
    Map<String, Object> bench =
        Map.of(
            "maxRejects",
            "100%",
            "select",
            List.of("id", "ts", "amount", "currency", "status", "city", "note", "code"),
            "rename",
            Map.of("amount", "amount_usd"),
            "filter",
            "status != 'cancelled'");
    byte[] rows = benchLike(3000);
    byte[] withRagged =
        concat(new String(rows, StandardCharsets.UTF_8), "1,2,3\n".getBytes(), "x,y\r\n");
    for (byte[] bytes : List.of(rows, withRagged)) {
      Input input = new Input("bench options", bytes, bench, SMALL_LIMIT);
      Outcome reference = run(input, CsvEngine.COMMONS);
      RunStats stats = new RunStats();
      Outcome fast = run(input, CsvEngine.FAST, stats);
      assertThat(fast).isEqualTo(reference);
      assertThat(stats.byteLaneReads).isEqualTo(1);
      assertThat(stats.rereads).isZero();
      assertThat(reference.filtered()).isEqualTo(1000);
    }
  }

  /** Records weighing the limit (the guard lets them through) and one more (it refuses them). */
  @Test
  void recordsAtTheSizeLimitAgreeAndOnlyHeavierOnesAreReadAgain() throws IOException {
    int limit = (int) SMALL_LIMIT;
    int twoFields = 1 + 2 * RecordSizeGuard.FIELD_WEIGHT + 1; // the delimiter and field "y"
    for (int delta = -1; delta <= 1; delta++) {
      int budget = limit - twoFields + delta;
      int fields = 1000; // and the first field's characters make up the rest
      int extra = limit + delta - (fields * (RecordSizeGuard.FIELD_WEIGHT + 1) - 1);
      Map<String, String> records = new LinkedHashMap<>();
      records.put("plain", "x".repeat(budget) + ",y");
      records.put("quoted", "\"" + "x".repeat(budget - 2) + "\",y");
      records.put(
          "doubled quotes",
          "\"" + "x\"\"".repeat((budget - 2) / 3) + "z".repeat((budget - 2) % 3) + "\",y");
      records.put(
          "line breaks",
          "\"" + "x\r\n".repeat((budget - 2) / 3) + "z".repeat((budget - 2) % 3) + "\",y");
      records.put("many fields", "x".repeat(extra) + ",".repeat(fields - 1));
      for (Map.Entry<String, String> record : records.entrySet()) {
        String header =
            record.getKey().equals("many fields") ? "a" + ",b".repeat(fields - 1) : "a,b";
        byte[] bytes =
            (header + "\n1,2\n" + record.getValue() + "\n3,4\n").getBytes(StandardCharsets.UTF_8);
        Input input = new Input(record.getKey() + " " + delta, bytes, Map.of(), SMALL_LIMIT);
        Outcome reference = run(input, CsvEngine.COMMONS);
        RunStats stats = new RunStats();
        Outcome fast = run(input, CsvEngine.FAST, stats);
        assertThat(fast).as("FAST vs COMMONS on %s", input).isEqualTo(reference);
        if (record.getKey().equals("many fields")) continue; // its field count differs from a,b
        if (delta <= 0) assertThat(reference.error()).as("%s", input).isNull();
        else assertThat(reference.error()).as("%s", input).contains("maxCsvFieldBytes");
        assertThat(stats.rereads).as("rereads of %s", input).isEqualTo(delta <= 0 ? 0 : 1);
      }
    }
  }

  @Test
  void theCorpusIsLarge() throws IOException {
    assertThat(literalsInTestSources()).hasSizeGreaterThan(20);
    assertThat(resourceFiles().count() + corpusCases().count() + handMade().count())
        .isGreaterThan(300);
  }

  // ---------------------------------------------------------------- running

  /** What a run saw besides its outcome. */
  static final class RunStats {
    long rereads;
    long byteLaneReads;
  }

  private Outcome run(Input input, CsvEngine engine) throws IOException {
    return run(input, engine, new RunStats());
  }

  private Outcome run(Input input, CsvEngine engine, RunStats stats) throws IOException {
    TransformCsvConfig settings;
    try {
      settings = TransformCsvConfig.read(new StageConfig(input.options()));
    } catch (BadInputException | IllegalArgumentException e) {
      return new Outcome("options: " + e.getMessage(), 0, 0, 0, 0, null, null);
    }
    Path dir = Files.createTempDirectory(tmp, engine.name());
    Path source = dir.resolve("in.csv");
    Files.write(source, input.bytes());
    Path output = dir.resolve("out/in.csv");
    Path rejects = dir.resolve("out/in.rejects.csv");
    CsvFileTransform transform =
        new CsvFileTransform(
            settings,
            DEDUPE_MEMORY_KEYS,
            input.maxRecord(),
            rows -> {},
            LoggerFactory.getLogger(CsvEngineConformanceTest.class),
            path -> Files.newOutputStream(path, StandardOpenOption.CREATE_NEW),
            engine);
    try {
      transform.transform(source, "in.csv", output, rejects, dir.resolve("scratch"));
      transform.checkRejectsAtEnd();
    } catch (BadInputException e) {
      return new Outcome(e.getMessage(), 0, 0, 0, 0, null, null);
    } finally {
      stats.rereads = transform.rereads();
      stats.byteLaneReads = transform.byteLaneReads();
    }
    return new Outcome(
        null,
        transform.rowsIn(),
        transform.rowsOut(),
        transform.rowsFiltered(),
        transform.rowsRejected(),
        Files.readString(output, StandardCharsets.ISO_8859_1),
        Files.exists(rejects) ? Files.readString(rejects, StandardCharsets.ISO_8859_1) : null);
  }

  private static long limit(Map<String, String> settings) {
    String limit = settings.get(TransformCsvOptions.MAX_CSV_FIELD_BYTES.name());
    return limit == null ? 16L << 20 : ByteSizes.parse(limit);
  }

  // ---------------------------------------------------------------- inputs

  /** CSV literals of the test sources of every module (the CSV ones: a comma and a line break). */
  static List<String> literalsInTestSources() throws IOException {
    List<String> found = new ArrayList<>();
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> sources;
    try (Stream<Path> files = Files.walk(root)) {
      sources =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> f.toString().contains("/src/test/java/"))
              .filter(f -> !f.toString().contains("/target/"))
              .filter(f -> !f.getFileName().toString().equals("CsvEngineConformanceTest.java"))
              .sorted()
              .toList();
    }
    for (Path file : sources) {
      String code = Files.readString(file);
      for (Pattern p : List.of(INPUT_LITERAL, STRING_CONSTANT)) {
        Matcher m = p.matcher(code);
        while (m.find()) {
          StringBuilder value = new StringBuilder();
          Matcher literal = LITERAL.matcher(m.group(1));
          while (literal.find()) value.append(unescape(literal.group(1)));
          String text = value.toString();
          if ((text.contains("\n") || text.contains("\r")) && !found.contains(text)) {
            found.add(text);
          }
        }
      }
    }
    return found;
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 's' -> b.append(' ');
        case 'u' -> {
          while (s.charAt(i + 1) == 'u') i++;
          b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int end = i;
            while (end + 1 < s.length()
                && end - i < 2
                && s.charAt(end + 1) >= '0'
                && s.charAt(end + 1) <= '7') end++;
            b.append((char) Integer.parseInt(s.substring(i, end + 1), 8));
            i = end;
          } else {
            b.append(e);
          }
        }
      }
    }
    return b.toString();
  }

  private static String abbreviate(String text) {
    String one = text.replace("\n", "\\n").replace("\r", "\\r");
    return one.length() > 40 ? one.substring(0, 40) + "…" : one;
  }

  private static byte[] concat(String before, byte[] middle, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(middle);
    out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** Rows shaped like the bench's: ids, timestamps, decimals, strings, quoted commas and breaks. */
  static byte[] benchLike(int rows) {
    StringBuilder b = new StringBuilder("id,ts,amount,currency,status,city,note,qty,flag,code\n");
    Random random = new Random(7);
    String[] cities = {"Köln", "Zürich", "São Paulo", "東京", "Oslo"};
    String[] statuses = {"paid", "cancelled", "open"};
    for (int i = 0; i < rows; i++) {
      b.append(i)
          .append(",2026-11-")
          .append(10 + i % 20)
          .append("T12:00:00Z,")
          .append(random.nextInt(100_000) / 100.0)
          .append(",EUR,")
          .append(statuses[i % 3])
          .append(',')
          .append(cities[i % cities.length])
          .append(',')
          .append(
              switch (i % 4) {
                case 0 -> "\"with, comma\"";
                case 1 -> "\"two\nlines\"";
                case 2 -> "\"say \"\"hi\"\"\"";
                default -> "";
              })
          .append(',')
          .append(random.nextInt(10))
          .append(',')
          .append(random.nextBoolean())
          .append(",C")
          .append(i % 97)
          .append(i % 50 == 0 ? "\r\n" : "\n");
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Mostly well-formed CSV with every awkward feature now and then, sometimes broken. */
  static String randomCsv(Random random) {
    StringBuilder b = new StringBuilder();
    if (random.nextInt(10) == 0) b.append('\uFEFF');
    int rows = 1 + random.nextInt(8);
    int width = 1 + random.nextInt(4);
    String[] breaks = {"\n", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n"};
    for (int r = 0; r < rows; r++) {
      int fields = random.nextInt(6) == 0 ? 1 + random.nextInt(5) : width;
      for (int f = 0; f < fields; f++) {
        if (f > 0) b.append(random.nextInt(12) == 0 ? ';' : ',');
        b.append(randomField(random));
      }
      if (r < rows - 1 || random.nextBoolean()) b.append(breaks[random.nextInt(breaks.length)]);
    }
    return b.toString();
  }

  private static String randomField(Random random) {
    String plain = "ab1 \t#!'-.é東😀|;";
    String any = plain + ",\"\n\r";
    StringBuilder f = new StringBuilder();
    int len = random.nextInt(5);
    switch (random.nextInt(8)) {
      case 0, 1, 2 -> {
        for (int i = 0; i < len; i++) f.append(pick(random, plain));
        if (random.nextInt(30) == 0) f.append('"'); // a quote inside an unquoted field
      }
      case 3, 4 -> {
        f.append('"');
        for (int i = 0; i < len; i++) {
          char c = pick(random, any);
          f.append(c);
          if (c == '"') f.append('"');
        }
        f.append('"');
        int tail = random.nextInt(40);
        if (tail == 0) f.append(' '); // white space after the closing quote
        if (tail == 1) f.append('x'); // text after the closing quote
      }
      case 5 -> {
        if (random.nextInt(20) == 0) f.append('"'); // an unclosed quote
      }
      default -> f.append(random.nextInt(1000));
    }
    return f.toString();
  }

  private static char pick(Random random, String chars) {
    int i = random.nextInt(chars.length());
    char c = chars.charAt(i);
    return Character.isSurrogate(c) ? 'z' : c;
  }
}
