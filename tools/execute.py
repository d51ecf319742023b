"""Execute a notebook in a fresh kernel, measuring wall time and the kernel's peak memory."""

import pathlib
import threading
import time

import nbformat
import psutil
from nbclient import NotebookClient


class _PeakMemory(threading.Thread):
    """Samples the resident memory of this process's children (the kernel) until stopped."""

    def __init__(self, interval=0.05):
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_bytes = 0
        self.cpu_seconds = {}
        self._stop_event = threading.Event()

    def run(self):
        me = psutil.Process()
        while not self._stop_event.is_set():
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                    times = child.cpu_times()
                    self.cpu_seconds[child.pid] = times.user + times.system
                except psutil.Error:
                    pass
            self.peak_bytes = max(self.peak_bytes, total)
            self._stop_event.wait(self.interval)

    def stop(self):
        self._stop_event.set()
        self.join()


def execute_notebook(path, timeout=600):
    """Run every cell of the notebook at ``path`` in its own folder.

    Returns
    -------
    (notebook, seconds, peak_mb, cpu_seconds)
        The executed notebook, the wall time, the kernel's peak resident memory in MB and the CPU time
        (user + system) the kernel used. CPU time hardly changes when other work shares the machine.
        A failing cell raises ``nbclient.exceptions.CellExecutionError``.
    """
    path = pathlib.Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    sampler = _PeakMemory()
    sampler.start()
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        seconds = time.perf_counter() - start
        sampler.stop()
    return nb, seconds, sampler.peak_bytes / 2**20, sum(sampler.cpu_seconds.values())
