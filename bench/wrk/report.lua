-- Prints wrk's result as one JSON line, for bench/load.py.
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, "status_errors": %d, '
      .. '"p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, errors, summary.errors.status,
    latency:percentile(50.0), latency:percentile(99.0)))
end
