// ThreadPool: a fixed set of worker threads that run the tasks of one job at a time (the bank's
// bands of rows, the statistics' bands). The calling thread takes part, so a pool of N threads
// starts N - 1 workers and a pool of 1 runs everything inline. How work is split never changes
// what is computed: callers give each task a fixed share and merge results in task order.
//
// Where threads are not available (a wasm build without -pthread) every pool has one thread.
// In the browser's pthreads build the caller is the main thread: run() waits for the workers by
// blocking, which Emscripten turns into a busy-wait; acceptable for a job of a few milliseconds.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace filterlens {

class ThreadPool {
 public:
  // `threads` counts the caller: 1 = no worker threads. Clamped to [1, kMaxThreads], and to 1
  // where threads are unavailable.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return size_; }

  // Runs fn(i) for every i in [0, tasks) and returns when all have finished. Tasks are taken in
  // increasing order by whichever thread is free. One job at a time per pool: a caller on another
  // thread while a job runs does its own tasks inline, on its own thread. When a task throws, the
  // tasks not yet started are skipped and run() rethrows the first exception after every running
  // task has returned (so nothing the tasks use is freed under them).
  void run(int tasks, const std::function<void(int)>& fn);

  static constexpr int kMaxThreads = 64;

 private:
  void worker_loop();
  void take_tasks();

  int size_ = 1;
  std::vector<std::thread> workers_;
  std::mutex run_mutex_;  // held by the caller whose job the workers share
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* job_ = nullptr;
  int tasks_ = 0;
  int next_ = 0;              // next task to hand out
  int finished_ = 0;          // tasks completed (or skipped after a failure) in this job
  std::exception_ptr error_;  // the job's first exception, rethrown by run()
  long generation_ = 0;
  bool stop_ = false;
};

// False in a wasm build without -pthread: every pool there has one thread.
bool threads_available();

// Threads this machine offers (std::thread::hardware_concurrency, at least 1; 1 where threads
// are unavailable).
int hardware_threads();

// The process-wide pool the app and the CLI compute with. Created on first use with
// hardware_threads() threads unless set_shared_pool_threads() was called before.
ThreadPool& shared_pool();

// Replaces the shared pool by one of `threads` threads (<= 0: hardware_threads()). Not while a
// job runs on it.
void set_shared_pool_threads(int threads);

}  // namespace filterlens
