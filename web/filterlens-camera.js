// FilterLens page: the live camera (issue 11 point 7). getUserMedia gives a stream; on each
// animation frame, when a video frame the app has not seen is there and the previous one is
// done, its RGBA is copied into the wasm heap (fl_camera_buffer) and its maps computed there
// (fl_camera_frame: Model::replace_frame, synchronously). Frames that arrive while one is being
// computed are dropped, never queued: only the newest waits.
//
// Two ways to read a frame's pixels: where the browser has MediaStreamTrackProcessor (Chromium),
// each VideoFrame is copied out as RGBA by the browser itself (1-4 ms at 1280 x 720 here);
// elsewhere a hidden <video> is drawn to a 2D canvas and read back with getImageData (which in
// headless Chromium without a GPU costs 150-200 ms a frame, hence the first way).
//
// window.FilterLensCamera is what filterlens-page.js's API (startCamera, stopCamera, cameraStats)
// and the app's Camera / Freeze buttons (platform_web.cpp) call. Stopping keeps the frame shown
// as a still image. Loaded before filterlens.js; uses window.Module only once the app runs.
'use strict';

(function () {
  const app = () => (window.Module && window.Module._fl_camera_frame ? window.Module : null);
  const MAX_SIDE = 4096;

  let session = null;  // the running (or starting) camera; null when off
  let last = null;     // the session stopped last, for cameraStats() after a stop

  function lastError(m) { return m.UTF8ToString(m._fl_last_error()); }

  // Shows a message in the app (as the app shows its own) and returns it as an Error.
  function failure(m, message) {
    const size = m.lengthBytesUTF8(message) + 1;
    const ptr = m._malloc(size);
    if (ptr) {
      m.stringToUTF8(message, ptr >>> 0, size);
      m._fl_report_error(ptr >>> 0);
      m._free(ptr);
    }
    return new Error(message);
  }

  // What a person can do about each way getUserMedia fails.
  function cameraMessage(e) {
    switch (e && e.name) {
      case 'NotAllowedError':
      case 'SecurityError':
        return 'Camera access was denied: allow the camera for this page (the icon in the ' +
               'address bar) and press Camera again.';
      case 'NotFoundError':
      case 'OverconstrainedError':
        return 'No camera was found: connect one (and check that the browser may use it), then ' +
               'press Camera again.';
      case 'NotReadableError':
      case 'AbortError':
        return 'The camera could not be started: another program may be using it. Close it and ' +
               'press Camera again.';
      default:
        return 'Could not start the camera: ' + ((e && e.message) || String(e));
    }
  }

  function checkSize(value, name, fallback) {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 16 || value > MAX_SIDE) {
      throw new Error(`startCamera: ${name} must be an integer from 16 to ${MAX_SIDE} (got ${String(value).slice(0, 40)})`);
    }
    return value;
  }

  // Resolves with {width, height} when the first frame's maps exist; rejects with a message
  // (also shown in the app) when there is no camera, permission is refused, or the page is not a
  // secure context; the image shown stays. A camera already running is stopped first.
  async function start(options = {}) {
    const m = app();
    if (!m) throw new Error('FilterLens is not running yet: wait for FilterLens.ready first');
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw failure(m, 'startCamera: options must be an object like {width: 1280, height: 720}');
    }
    for (const key of Object.keys(options)) {
      if (key !== 'width' && key !== 'height') {
        throw failure(m, `startCamera: unknown option ${JSON.stringify(key).slice(0, 40)} (use width and height)`);
      }
    }
    let width, height;
    try {
      width = checkSize(options.width, 'width', 1280);
      height = checkSize(options.height, 'height', 720);
    } catch (e) {
      throw failure(m, e.message);
    }
    if (session) stop();
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw failure(m, 'The camera needs a secure page: open FilterLens over https:// or from ' +
                       'http://localhost (browsers offer no camera to plain http pages).');
    }
    const s = { stream: null, raf: 0, busy: false, frames: 0, drawnAt: null, shown: [],
                lastFrame: null, first: null, pending: null, reader: null, video: null,
                presented: 0, seen: -1, timeout: 0, bufferA: null, bufferB: null };
    session = s;
    const firstFrame = new Promise((resolve, reject) => { s.first = { resolve, reject }; });
    firstFrame.catch(() => {});  // a caller that does not wait is told through the app
    m._fl_camera_starting(1);
    try {
      s.stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: width }, height: { ideal: height } }, audio: false });
    } catch (e) {
      if (session === s) {
        session = null;
        m._fl_camera_starting(0);
      }
      throw failure(m, cameraMessage(e));
    }
    if (session !== s) {  // stopped while the browser asked
      for (const track of s.stream.getTracks()) track.stop();
      throw new Error('startCamera: the camera was stopped before it started');
    }
    const track = s.stream.getVideoTracks()[0];
    s.nominalFps = (track.getSettings && track.getSettings().frameRate) || 0;
    try {
      if (typeof MediaStreamTrackProcessor === 'function') {
        readFrames(s, new MediaStreamTrackProcessor({ track }).readable.getReader());
      } else {
        await playVideo(s);
      }
    } catch (e) {
      s.first = null;
      stop(false);
      throw failure(m, 'Could not read the camera\'s video: ' + e.message);
    }
    m._fl_camera_started();
    // A camera that never sends a picture (a broken driver) must not leave the promise hanging.
    s.timeout = setTimeout(() => {
      if (session === s && s.frames === 0) {
        fail(s, failure(m, 'The camera sent no picture for 10 seconds: check it, then press ' +
                           'Camera again.'));
      }
    }, 10000);
    s.raf = requestAnimationFrame(() => tick(s));
    return firstFrame;
  }

  // MediaStreamTrackProcessor: keeps only the newest VideoFrame (an older one not yet taken is
  // closed: dropped).
  async function readFrames(s, reader) {
    s.reader = reader;
    for (;;) {
      let result;
      try {
        result = await reader.read();
      } catch (e) {
        return;  // the track was stopped
      }
      if (result.done) return;
      if (session !== s) {
        result.value.close();
        return;
      }
      if (s.pending) s.pending.close();
      s.pending = result.value;
    }
  }

  // Elsewhere: a <video> in the page but out of sight (one outside the document may not get its
  // frames shown), drawn to a canvas when requestVideoFrameCallback (or the media time) says a
  // new frame is there.
  async function playVideo(s) {
    const video = s.video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    Object.assign(video.style, { position: 'fixed', left: '0', top: '0', width: '2px',
                                 height: '2px', opacity: '0', pointerEvents: 'none' });
    video.srcObject = s.stream;
    document.body.appendChild(video);
    if (typeof video.requestVideoFrameCallback === 'function') {
      const onFrame = (now, meta) => {
        if (session !== s) return;
        s.presented = meta.presentedFrames;
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }
    await video.play();
    s.canvas = document.createElement('canvas');
    s.ctx = s.canvas.getContext('2d', { willReadFrequently: true, alpha: false });
  }

  // One animation frame: counts the last computed frame as shown once the app has drawn since,
  // then takes the newest video frame if the app has not seen it and is not busy with one.
  function tick(s) {
    if (session !== s) return;
    s.raf = requestAnimationFrame(() => tick(s));
    const m = app();
    if (!m) return;
    if (s.drawnAt !== null && m._fl_frames_drawn() > s.drawnAt) {
      const now = performance.now();
      s.shown.push(now);
      while (s.shown.length && s.shown[0] < now - 2000) s.shown.shift();
      s.drawnAt = null;
    }
    if (s.busy) return;
    if (s.reader) {
      if (!s.pending) return;
      const frame = s.pending;
      s.pending = null;
      s.busy = true;
      copyVideoFrame(s, frame).then(pixels => {
        if (session === s && pixels) compute(m, s, pixels, frame.displayWidth, frame.displayHeight);
      }).catch(e => {
        if (session === s) fail(s, failure(m, 'Could not read a camera frame: ' + e.message));
      }).finally(() => {
        frame.close();
        s.busy = false;
      });
      return;
    }
    const video = s.video;
    if (!video || video.readyState < 2 || !video.videoWidth || !video.videoHeight) return;
    const frameId = s.presented > 0 ? s.presented : video.currentTime;
    if (frameId === s.seen) return;
    s.seen = frameId;
    const w = Math.min(video.videoWidth, MAX_SIDE), h = Math.min(video.videoHeight, MAX_SIDE);
    if (s.canvas.width !== w || s.canvas.height !== h) {
      s.canvas.width = w;
      s.canvas.height = h;
    }
    s.ctx.drawImage(video, 0, 0, w, h);
    s.busy = true;
    try {
      compute(m, s, s.ctx.getImageData(0, 0, w, h).data, w, h);
    } finally {
      s.busy = false;
    }
  }

  // A VideoFrame's pixels as RGBA (the browser converts from the camera's YUV), or null when the
  // frame is larger than FilterLens takes.
  async function copyVideoFrame(s, frame) {
    const w = frame.displayWidth, h = frame.displayHeight;
    if (w > MAX_SIDE || h > MAX_SIDE) return null;
    // Two buffers, not a new one each frame: whichever is not lastFrame's.
    const useA = !(s.lastFrame && s.lastFrame.data === s.bufferA);
    let pixels = useA ? s.bufferA : s.bufferB;
    if (!pixels || pixels.length !== w * h * 4) {
      pixels = new Uint8Array(w * h * 4);
      if (useA) s.bufferA = pixels; else s.bufferB = pixels;
    }
    if (w !== frame.visibleRect.width || h !== frame.visibleRect.height) {
      // A size the camera does not have: Chromium crops and scales (resizeMode 'crop-and-scale'),
      // giving the size asked for as the display size and the camera's pixels as the visible
      // ones, which copyTo copies unscaled. Drawn at the display size instead.
      if (!s.scaler) {
        s.scaler = document.createElement('canvas');
        s.scalerCtx = s.scaler.getContext('2d', { willReadFrequently: true, alpha: false });
      }
      if (s.scaler.width !== w || s.scaler.height !== h) {
        s.scaler.width = w;
        s.scaler.height = h;
      }
      s.scalerCtx.drawImage(frame, 0, 0, w, h);
      pixels.set(s.scalerCtx.getImageData(0, 0, w, h).data);
      return pixels;
    }
    await frame.copyTo(pixels, { format: 'RGBA', layout: [{ offset: 0, stride: w * 4 }] });
    return pixels;
  }

  function compute(m, s, pixels, w, h) {
    const ptr = m._fl_camera_buffer(w, h) >>> 0;
    if (!ptr) {  // does not fit in memory: the app says so
      fail(s, new Error(lastError(m)));
      return;
    }
    new Uint8Array(m.wasmMemory ? m.wasmMemory.buffer : m.HEAPU8.buffer).set(pixels, ptr);
    const code = m._fl_camera_frame(w, h, fps(s));
    if (code === 3) {  // another image was opened: it stays, the camera makes way
      stop(false, 'an image was opened before the camera\'s first frame; the image stays');
      return;
    }
    if (code !== 0) {
      // The bank cannot filter this frame (the app shows why); the first frame decides.
      if (s.frames === 0) fail(s, new Error(lastError(m)));
      return;
    }
    s.lastFrame = { width: w, height: h, data: pixels };
    s.drawnAt = m._fl_frames_drawn();
    if (++s.frames === 1 && s.first) {
      s.first.resolve({ width: w, height: h });
      s.first = null;
    }
  }

  // The camera stops (the image shown stays as it is); a pending startCamera rejects with `e`.
  function fail(s, e) {
    if (s.first && s.frames === 0) s.first.reject(e);
    s.first = null;
    stop(false);
  }

  // Frames drawn per second over the last second: (n - 1) intervals between the n frames shown.
  function fps(s) {
    const now = performance.now();
    const recent = s.shown.filter(t => t > now - 1000);
    if (recent.length < 2) return 0;
    return 1000 * (recent.length - 1) / (recent[recent.length - 1] - recent[0]);
  }

  // Stops the stream. keep (the default): the frame shown stays as a still image named after the
  // time ("camera frame 12:01:33"); the app's Freeze button does the same.
  // `why`: what a startCamera still waiting for its first frame rejects with.
  function stop(keep = true, why = 'the camera was stopped before its first frame') {
    const s = session;
    if (!s) return;
    session = null;
    last = s;
    cancelAnimationFrame(s.raf);
    clearTimeout(s.timeout);
    s.finalFps = fps(s);
    if (s.pending) s.pending.close();
    s.pending = null;
    if (s.reader) s.reader.cancel().catch(() => {});
    if (s.stream) for (const track of s.stream.getTracks()) track.stop();
    if (s.video) {
      s.video.srcObject = null;
      s.video.remove();
    }
    const m = app();
    if (m) m._fl_camera_stopped(keep ? 1 : 0);
    if (s.first) {
      s.first.reject(new Error('startCamera: ' + why));
      s.first = null;
    }
  }

  // {fps, computeMs, width, height, frames, nominalFps, running}: fps over the last second (frames
  // drawn), computeMs the median compute of the recent frames (in C++, around the model call),
  // nominalFps what the camera says it sends.
  function stats() {
    const m = app();
    if (!m) throw new Error('FilterLens is not running yet: wait for FilterLens.ready first');
    const s = session || last;
    return { fps: s ? (session ? fps(s) : s.finalFps) : 0, computeMs: m._fl_camera_compute_ms(),
             width: m._fl_camera_width(), height: m._fl_camera_height(),
             frames: m._fl_camera_frames(), nominalFps: s ? s.nominalFps : 0, running: !!session };
  }

  // The RGBA of the last frame the app computed, as the page read it (for tests).
  function lastFrame() {
    const s = session || last;
    return s && s.lastFrame ? { ...s.lastFrame } : null;
  }

  window.FilterLensCamera = { start, stop, stats, lastFrame };
})();
