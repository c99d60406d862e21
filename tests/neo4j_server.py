"""A real, throwaway Neo4j Community server for tests, built from Maven Central.

``tests/neo4j-server/`` is a tiny Maven project that runs Neo4j Community embedded (the
server's own engine) with Bolt on 127.0.0.1 and a free port. This module builds it (once,
under a file lock) and runs it as a child JVM::

    if (reason := find_tools()) is None:
        artifact = build_launcher(PROJECT_DIR)
        with Neo4jTestServer(artifact) as server:
            driver = neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password))

The password travels on the JVM's stdin, never in argv. The JVM stops when its stdin
reaches EOF, so it also goes when this Python process dies, even by SIGKILL.

Neo4j Community is GPLv3; this is a test-only tool and nothing of it ships with linkgraph.
Stdlib only (the ``neo4j`` driver is the tests' business).
"""

from __future__ import annotations

import fcntl
import os
import queue
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType

PROJECT_DIR = Path(__file__).resolve().parent / "neo4j-server"
ARTIFACT = "target/neo4j-test-server.jar"  # its manifest's Class-Path names target/lib/*.jar
MAIN_CLASS = "neo4jtestserver.Launcher"

# Small and quick to start: a test database holds a few thousand nodes at most. The page
# cache (64 MiB) is set by the launcher itself. C1 only: less JIT work on a busy 2-core box.
JVM_OPTS = (
    "-Xms64m",
    "-Xmx512m",
    "-Xss1m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:+ExitOnOutOfMemoryError",
)


def find_tools() -> str | None:
    """None when ``java`` and ``mvn`` are both on PATH, else the reason to skip."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        return f"the Neo4j test server needs {' and '.join(missing)} on PATH (JDK 17+ and Maven)"
    try:
        shown = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"the Neo4j test server needs a working java on PATH: {error}"
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown)
    major = int(found.group(1)) if found else 0
    if major == 1 and found and found.group(2):  # "1.8.0_x" is Java 8
        major = int(found.group(2))
    if major < 17:
        return f"the Neo4j test server (Neo4j 5.26) needs Java 17+; java on PATH says {shown.strip()[:80]!r}"
    return None


def _sources(project_dir: Path) -> list[Path]:
    return [project_dir / "pom.xml", *sorted((project_dir / "src").rglob("*.java"))]


def _up_to_date(project_dir: Path, artifact: Path) -> bool:
    if not artifact.is_file() or not (project_dir / "target" / "lib").is_dir():
        return False
    built = artifact.stat().st_mtime
    return all(source.stat().st_mtime < built for source in _sources(project_dir))


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def build_launcher(project_dir: Path | str = PROJECT_DIR, *, timeout: float = 900.0) -> Path:
    """Build the launcher if it is missing or older than its pom/sources; return the jar.

    Tries ``mvn -q -o package`` first (everything already in ~/.m2), then online. A file
    lock in target/ keeps two processes (e.g. pytest-xdist workers) from building at once.
    Raises RuntimeError with Maven's last lines when the build fails.
    """
    project_dir = Path(project_dir).resolve()
    artifact = project_dir / ARTIFACT
    if _up_to_date(project_dir, artifact):
        return artifact
    (project_dir / "target").mkdir(exist_ok=True)
    with open(project_dir / "target" / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _up_to_date(project_dir, artifact):  # another process built it meanwhile
            return artifact
        outputs = []
        for offline in (True, False):
            command = ["mvn", "-q", "-B", "-Dstyle.color=never", *(["-o"] if offline else []), "package"]
            try:
                done = subprocess.run(command, cwd=project_dir, stdin=subprocess.DEVNULL,
                                      capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired as error:
                raise RuntimeError(f"{' '.join(command)} took over {timeout:.0f} s") from error
            if done.returncode == 0 and artifact.is_file():
                os.utime(artifact)  # the jar plugin may leave an unchanged jar's old mtime
                return artifact
            outputs.append(f"$ {' '.join(command)} (exit {done.returncode})\n"
                           f"{_tail(done.stdout + done.stderr)}")
            if "COMPILATION ERROR" in done.stdout + done.stderr:
                break  # not a missing download: going online would not help
        raise RuntimeError("building the Neo4j test server failed:\n" + "\n".join(outputs))


class Neo4jTestServer:
    """A Neo4j Community DBMS in a child JVM, for one test session; a context manager.

    ``uri``/``user``/``password``/``database`` are for the driver. The data lives in a
    temporary directory that the JVM deletes when it stops.
    """

    user = "neo4j"
    database = "neo4j"

    def __init__(self, artifact: Path | str | None = None, *, java: str = "java",
                 jvm_opts: tuple[str, ...] | list[str] = JVM_OPTS, tmpdir: Path | str | None = None,
                 start_timeout: float = 180.0, stop_timeout: float = 60.0,
                 class_data_sharing: bool = True) -> None:
        self.artifact = Path(artifact) if artifact is not None else PROJECT_DIR / ARTIFACT
        self.java = java
        self.jvm_opts = list(jvm_opts)
        self.tmpdir = Path(tmpdir) if tmpdir is not None else None
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.class_data_sharing = class_data_sharing
        self._cds_dump: Path | None = None
        self.password = secrets.token_urlsafe(24)
        self.uri = ""
        self.startup_seconds = 0.0
        self.process: subprocess.Popen[bytes] | None = None
        self._log_path: Path | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "server not started"
        return self.process.pid

    def env(self) -> dict[str, str]:
        """The variables the repo's Neo4j contract tests read (tests/conftest.py)."""
        return {"LINKGRAPH_TEST_NEO4J_URI": self.uri, "LINKGRAPH_TEST_NEO4J_USER": self.user,
                "LINKGRAPH_TEST_NEO4J_PASSWORD": self.password,
                "LINKGRAPH_TEST_NEO4J_DATABASE": self.database}

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the JVM wrote on stderr (Neo4j's own logs stay in its data dir)."""
        if self._log_path is None or not self._log_path.exists():
            return ""
        return _tail(self._log_path.read_text(errors="replace"), lines)

    def _cds_opts(self) -> list[str]:
        """AppCDS: the first run dumps the classes it loaded, later runs map them (~2x faster start).

        The archive lives beside the jar and is redone when the jar is rebuilt. A run that
        dumps writes a private file that stop() moves into place once the JVM exited cleanly.
        """
        if not self.class_data_sharing:
            return []
        archive = self.artifact.with_suffix(".jsa")
        for stale in archive.parent.glob(archive.name + ".tmp-*"):  # from JVMs whose parent was killed
            if time.time() - stale.stat().st_mtime > 3600:
                stale.unlink(missing_ok=True)
        if archive.is_file() and archive.stat().st_mtime > self.artifact.stat().st_mtime:
            return [f"-XX:SharedArchiveFile={archive}"]
        self._cds_dump = archive.with_name(f"{archive.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
        return [f"-XX:ArchiveClassesAtExit={self._cds_dump}"]

    def start(self) -> Neo4jTestServer:
        if self.process is not None:
            raise RuntimeError("server already started")
        opts = list(self.jvm_opts) + self._cds_opts()
        if self.tmpdir is not None:
            self.tmpdir.mkdir(parents=True, exist_ok=True)
            opts.append(f"-Djava.io.tmpdir={self.tmpdir}")
        fd, log_name = tempfile.mkstemp(prefix="neo4j-test-server-", suffix=".log", dir=self.tmpdir)
        self._log_path = Path(log_name)
        began = time.monotonic()
        with os.fdopen(fd, "wb") as log:
            # Own session: a Ctrl-C at the terminal reaches the tests, which stop the JVM
            # themselves; stdin EOF is the JVM's only signal to go.
            self.process = subprocess.Popen(
                [self.java, *opts, "-cp", str(self.artifact), MAIN_CLASS],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, start_new_session=True)
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(self.password.encode() + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # it died at once: reported below with its log

        lines: queue.Queue[bytes] = queue.Queue()
        stdout = self.process.stdout

        def read_stdout() -> None:
            for line in stdout:
                lines.put(line)
            lines.put(b"")

        threading.Thread(target=read_stdout, name="neo4j-test-server-stdout", daemon=True).start()
        deadline = began + self.start_timeout
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self._fail(f"no READY line within {self.start_timeout:.0f} s")
            text = line.decode(errors="replace").strip()
            if text.startswith("READY "):
                self.uri = text.split(" ", 1)[1]
                self.startup_seconds = time.monotonic() - began
                return self
            if not line:
                self.process.wait()
                self._fail(f"the JVM exited with status {self.process.returncode} before READY")

    def _fail(self, why: str) -> None:
        self.stop()  # keeps the log: no READY was seen
        raise RuntimeError(f"Neo4j test server: {why}; its stderr ({self._log_path}) ends with:\n"
                           f"{self.log_tail()}")

    def stop(self) -> None:
        """Close stdin (the JVM shuts Neo4j down and deletes its data), wait, kill if need be."""
        process = self.process
        if process is None:
            return
        if process.stdin is not None and not process.stdin.closed:
            try:
                process.stdin.close()
            except BrokenPipeError:
                pass
        try:
            process.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
        if self._cds_dump is not None:
            if process.returncode == 0 and self._cds_dump.is_file():
                os.replace(self._cds_dump, self.artifact.with_suffix(".jsa"))
            self._cds_dump.unlink(missing_ok=True)
        if self.uri and process.returncode == 0 and self._log_path is not None:
            self._log_path.unlink(missing_ok=True)

    def __enter__(self) -> Neo4jTestServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
