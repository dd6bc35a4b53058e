package dev.locality.activities.stages.download;

/** A helper that depends on its package's stage, to prove the stage-package rule sees it. */
public final class HelperUsingItsStage {
  public Object stage() {
    return new DownloadStage();
  }
}
