package dev.locality.activities.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.compress.CompressStage;
import dev.locality.activities.stages.csv.TransformCsvStage;
import dev.locality.activities.stages.decompress.DecompressStage;
import dev.locality.activities.stages.download.DownloadStage;
import dev.locality.activities.stages.upload.UploadStage;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageRegistry;
import org.junit.jupiter.api.Test;

class BuiltInStagesTest {
  @Test
  void serviceLoaderFindsTheBuiltInStages() {
    StageRegistry registry = StageRegistry.load(getClass().getClassLoader());
    assertThat(registry.types())
        .contains("download", "decompress", "compress", "transform-csv", "upload");
  }

  @Test
  void everyStageDescribesItselfAndItsOptions() {
    for (Stage stage :
        new Stage[] {
          new DownloadStage(),
          new DecompressStage(),
          new CompressStage(),
          new TransformCsvStage(),
          new UploadStage()
        }) {
      assertThat(stage.description()).as(stage.type()).isNotBlank();
      assertThat(stage.options()).as(stage.type()).isNotEmpty();
      assertThat(stage.options().stream().map(OptionSpec::name)).doesNotHaveDuplicates();
    }
  }
}
