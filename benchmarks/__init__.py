"""crossroads benchmarks: one module per area, each with ``main(argv) -> int``.

Run all with ``python -m benchmarks`` (``make bench``), or some with
``python -m benchmarks routing routing_vs_bgpy``. Timings live here, never in tests.
"""
