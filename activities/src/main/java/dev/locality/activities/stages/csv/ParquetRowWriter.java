package dev.locality.activities.stages.csv;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes output rows as one Apache Parquet file with parquet-java, without Hadoop (its
 * configuration is a {@link PlainParquetConfiguration}, its codecs {@link ParquetCodecs}, its file
 * a {@link StreamOutputFile} over the stage's output stream). Every column is optional (null for
 * nulls); its type comes from the column's {@link ColumnType#storage()}:
 *
 * <ul>
 *   <li>int: INT32 (INT(32, signed)); long: INT64 (INT(64, signed))
 *   <li>decimal(p,s): DECIMAL(p,s) in INT32 for p &le; 9, INT64 for p &le; 18, else a
 *       FIXED_LEN_BYTE_ARRAY just wide enough
 *   <li>boolean: BOOLEAN; date: DATE (INT32 days)
 *   <li>timestamp: INT64 TIMESTAMP(MICROS), {@code isAdjustedToUTC=true} when the pattern always
 *       has a zone (the values are UTC instants), else {@code false} (local date-times); digits
 *       below a microsecond are dropped (truncated toward the past)
 *   <li>everything else (untyped and derived columns): BINARY STRING (UTF-8)
 * </ul>
 *
 * <p>The values arrive as the normalised text {@link ColumnType#convert} produced, so they parse
 * here without failing. Memory: a row group is buffered until it reaches {@code rowGroupBytes},
 * then written; {@link #close} writes the last one and the footer, and closes the stream. Not
 * thread-safe.
 */
final class ParquetRowWriter implements RowWriter {
  private final ParquetWriter<String[]> writer;

  /**
   * @param rowGroupBytes the row group size (already capped by the worker setting)
   */
  ParquetRowWriter(
      OutputStream out, String name, OutputColumns columns, ParquetCodec codec, long rowGroupBytes)
      throws IOException {
    MessageType schema = schema(columns);
    writer =
        new Builder(new StreamOutputFile(out, name), new RowWriteSupport(schema, columns))
            .withConf(new PlainParquetConfiguration())
            .withCodecFactory(ParquetCodecs.INSTANCE)
            .withCompressionCodec(ParquetCodecs.codecName(codec))
            .withRowGroupSize(rowGroupBytes)
            .withPageSize((int) Math.min(1 << 20, rowGroupBytes))
            .withDictionaryEncoding(true)
            .build();
  }

  /** The Parquet schema of the columns. */
  static MessageType schema(OutputColumns columns) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (int i = 0; i < columns.size(); i++) {
      String name = columns.names().get(i);
      ColumnType type = columns.types().get(i);
      ColumnType.Storage storage = type == null ? null : type.storage();
      if (storage == null || storage == ColumnType.Storage.DECIMAL_TEXT) {
        message
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named(name);
        continue;
      }
      switch (storage) {
        case INT ->
            message
                .optional(PrimitiveTypeName.INT32)
                .as(LogicalTypeAnnotation.intType(32, true))
                .named(name);
        case LONG ->
            message
                .optional(PrimitiveTypeName.INT64)
                .as(LogicalTypeAnnotation.intType(64, true))
                .named(name);
        case DECIMAL -> {
          int p = type.precision();
          LogicalTypeAnnotation decimal = LogicalTypeAnnotation.decimalType(type.scale(), p);
          if (p <= 9) message.optional(PrimitiveTypeName.INT32).as(decimal).named(name);
          else if (p <= 18) message.optional(PrimitiveTypeName.INT64).as(decimal).named(name);
          else
            message
                .optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
                .length(decimalBytes(p))
                .as(decimal)
                .named(name);
        }
        case BOOLEAN -> message.optional(PrimitiveTypeName.BOOLEAN).named(name);
        case DATE ->
            message
                .optional(PrimitiveTypeName.INT32)
                .as(LogicalTypeAnnotation.dateType())
                .named(name);
        case TIMESTAMP_UTC, TIMESTAMP_LOCAL ->
            message
                .optional(PrimitiveTypeName.INT64)
                .as(
                    LogicalTypeAnnotation.timestampType(
                        storage == ColumnType.Storage.TIMESTAMP_UTC, TimeUnit.MICROS))
                .named(name);
        default -> throw new IllegalStateException(storage.toString());
      }
    }
    return message.named("row");
  }

  /** The bytes of a two's complement number holding every unscaled value of precision {@code p}. */
  static int decimalBytes(int p) {
    int bits = BigInteger.TEN.pow(p).subtract(BigInteger.ONE).bitLength() + 1;
    return (bits + 7) / 8;
  }

  @Override
  public void header(List<String> names) {
    // the schema names the columns
  }

  @Override
  public void row(String[] values) throws IOException {
    writer.write(values);
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  /** Writes one row's normalised text as typed Parquet values. */
  private static final class RowWriteSupport extends WriteSupport<String[]> {
    /** {@link #width} of a decimal stored in INT32 and in INT64. */
    private static final int INT32 = -1;

    private static final int INT64 = 0;

    private final MessageType schema;
    private final String[] names;
    private final ColumnType.Storage[] storage;
    private final int[] scale;
    private final int[] width;
    private RecordConsumer consumer;

    RowWriteSupport(MessageType schema, OutputColumns columns) {
      this.schema = schema;
      int n = columns.size();
      names = columns.names().toArray(String[]::new);
      storage = new ColumnType.Storage[n];
      scale = new int[n];
      width = new int[n];
      for (int i = 0; i < n; i++) {
        ColumnType type = columns.types().get(i);
        storage[i] = type == null ? null : type.storage();
        if (storage[i] == ColumnType.Storage.DECIMAL_TEXT) storage[i] = null;
        if (storage[i] == ColumnType.Storage.DECIMAL) {
          scale[i] = type.scale();
          int precision = type.precision();
          width[i] = precision <= 9 ? INT32 : precision <= 18 ? INT64 : decimalBytes(precision);
        }
      }
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(String[] row) {
      consumer.startMessage();
      for (int i = 0; i < names.length; i++) {
        String v = row[i];
        if (v == null) continue;
        consumer.startField(names[i], i);
        add(i, v);
        consumer.endField(names[i], i);
      }
      consumer.endMessage();
    }

    private void add(int i, String v) {
      if (storage[i] == null) {
        consumer.addBinary(Binary.fromString(v));
        return;
      }
      switch (storage[i]) {
        case INT -> consumer.addInteger(Integer.parseInt(v));
        case LONG -> consumer.addLong(Long.parseLong(v));
        case BOOLEAN -> consumer.addBoolean(v.equals("true"));
        case DATE -> consumer.addInteger(Math.toIntExact(LocalDate.parse(v).toEpochDay()));
        case TIMESTAMP_UTC, TIMESTAMP_LOCAL -> consumer.addLong(micros(v));
        case DECIMAL -> {
          BigInteger unscaled =
              new BigDecimal(v).setScale(scale[i], RoundingMode.UNNECESSARY).unscaledValue();
          if (width[i] == INT32) consumer.addInteger(unscaled.intValueExact());
          else if (width[i] == INT64) consumer.addLong(unscaled.longValueExact());
          else consumer.addBinary(Binary.fromConstantByteArray(fixed(unscaled, width[i])));
        }
        default -> throw new IllegalStateException(storage[i].toString());
      }
    }

    /** ISO date-time text ({@code Z} at the end for UTC) as microseconds since the epoch. */
    private static long micros(String iso) {
      String local = iso.endsWith("Z") ? iso.substring(0, iso.length() - 1) : iso;
      LocalDateTime t = LocalDateTime.parse(local);
      return Math.addExact(
          Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), 1_000_000L), t.getNano() / 1000);
    }

    /** Big-endian two's complement in exactly {@code width} bytes, sign-extended. */
    private static byte[] fixed(BigInteger unscaled, int width) {
      byte[] minimal = unscaled.toByteArray();
      byte[] out = new byte[width];
      byte pad = (byte) (unscaled.signum() < 0 ? 0xFF : 0);
      int offset = width - minimal.length;
      for (int b = 0; b < offset; b++) out[b] = pad;
      System.arraycopy(minimal, 0, out, offset, minimal.length);
      return out;
    }
  }

  /** parquet-java's builder, with the write support given. */
  private static final class Builder extends ParquetWriter.Builder<String[], Builder> {
    private final WriteSupport<String[]> support;

    Builder(StreamOutputFile file, WriteSupport<String[]> support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<String[]> getWriteSupport(ParquetConfiguration conf) {
      return support;
    }

    @Override
    protected WriteSupport<String[]> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
      return support;
    }
  }
}
