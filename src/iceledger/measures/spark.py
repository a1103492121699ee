"""Spark's set-up for the Spark engine (measures/engine.py): a Java it can run on, a quiet log4j, and a
session in local mode (or on $ICELEDGER_SPARK_MASTER, or Spark Connect with $SPARK_REMOTE)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from iceledger.errors import BuildError

SUPPORTED_JAVA = (17, 21)


def _java_major(java: str) -> int | None:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    text = out.stderr + out.stdout
    for token in text.replace('"', " ").split():
        head = token.split(".")[0]
        if head.isdigit() and "." in token:
            return int(head)
    return None


def find_java_home() -> str:
    """A Java home Spark can use (17 or 21): $JAVA_HOME, the `java` on PATH, or /usr/lib/jvm."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path).resolve().parent.parent)
    candidates += sorted(Path("/usr/lib/jvm").glob("*")) if Path("/usr/lib/jvm").exists() else []
    for home in candidates:
        java = home / "bin" / "java"
        if java.exists() and _java_major(str(java)) in SUPPORTED_JAVA:
            return str(home)
    raise BuildError("java_missing", "Spark needs Java 17 or 21 and none was found",
                     fix="install OpenJDK 17 (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME to one")


def _quiet_log4j() -> str:
    """A log4j2 configuration that keeps Spark's own log lines (warnings included) off the terminal."""
    import tempfile

    path = Path(tempfile.gettempdir()) / "iceledger-spark-log4j2.properties"
    if not path.exists():
        path.write_text("rootLogger.level = error\nrootLogger.appenderRef.stderr.ref = console\n"
                        "appender.console.type = Console\nappender.console.name = console\n"
                        "appender.console.target = SYSTEM_ERR\nappender.console.layout.type = PatternLayout\n"
                        "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n\n")
    return str(path)


def spark_session(master: str | None = None):
    """A Spark session: ``master`` or $ICELEDGER_SPARK_MASTER, else local mode on this machine's cores."""
    if not os.environ.get("SPARK_REMOTE"):
        os.environ["JAVA_HOME"] = find_java_home()
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise BuildError("pyspark_missing", "the Spark engine needs pyspark",
                         fix="pip install 'iceledger[spark]' (pyspark>=3.5,<4.1)") from None
    builder = SparkSession.builder.appName("iceledger")
    if not os.environ.get("SPARK_REMOTE"):
        chosen = master or os.environ.get("ICELEDGER_SPARK_MASTER", "local[2]")
        builder = builder.master(chosen)
        if chosen.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{_quiet_log4j()}")
    builder = (builder.config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", os.environ.get("ICELEDGER_SPARK_PARTITIONS", "4")))
    session = builder.getOrCreate()
    try:
        session.sparkContext.setLogLevel("ERROR")
    except Exception:  # Spark Connect sessions have no SparkContext  # noqa: BLE001
        pass
    return session
