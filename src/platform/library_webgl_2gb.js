// WebGL calls with wasm addresses that stay right when the heap is past 2 GB.
//
// Emscripten 3.1.6's WebGL glue turns an address into a typed-array offset with a signed shift
// (`pixels >> 2`, or the address passed as is), which is negative at 2 GB and above. With
// -sMAXIMUM_MEMORY=4GB the heap gets there (a large image, many filters): WebGL then refuses the
// upload ("ArrayBufferView not big enough") and the panels go blank (TOOLCHAIN.md item 10). The
// build's own unsigned-pointer pass only rewrites HEAP[...] and HEAP.subarray/set, not these.
//
// Linked with --js-library, these replace the library's versions of the calls FilterLens and
// ImGui's OpenGL backend make with an address: texture uploads, pixel reads, buffer data and the
// uniform matrix. Only the WebGL 2 paths (the build requires WebGL 2), with `>>> 0` / `>>>`.
mergeInto(LibraryManager.library, {
  glTexImage2D__sig: 'viiiiiiiii',
  glTexImage2D__deps: ['$GL', '$heapObjectForWebGLType', '$heapAccessShiftForWebGLHeap'],
  glTexImage2D: function(target, level, internalFormat, width, height, border, format, type, pixels) {
    pixels >>>= 0;
    if (GLctx.currentPixelUnpackBufferBinding) {
      GLctx.texImage2D(target, level, internalFormat, width, height, border, format, type, pixels);
    } else if (pixels) {
      var heap = heapObjectForWebGLType(type);
      GLctx.texImage2D(target, level, internalFormat, width, height, border, format, type, heap,
                       pixels >>> heapAccessShiftForWebGLHeap(heap));
    } else {
      GLctx.texImage2D(target, level, internalFormat, width, height, border, format, type, null);
    }
  },

  glTexSubImage2D__sig: 'viiiiiiiii',
  glTexSubImage2D__deps: ['$GL', '$heapObjectForWebGLType', '$heapAccessShiftForWebGLHeap'],
  glTexSubImage2D: function(target, level, xoffset, yoffset, width, height, format, type, pixels) {
    pixels >>>= 0;
    if (GLctx.currentPixelUnpackBufferBinding) {
      GLctx.texSubImage2D(target, level, xoffset, yoffset, width, height, format, type, pixels);
    } else if (pixels) {
      var heap = heapObjectForWebGLType(type);
      GLctx.texSubImage2D(target, level, xoffset, yoffset, width, height, format, type, heap,
                          pixels >>> heapAccessShiftForWebGLHeap(heap));
    } else {
      GLctx.texSubImage2D(target, level, xoffset, yoffset, width, height, format, type, null);
    }
  },

  glReadPixels__sig: 'viiiiiii',
  glReadPixels__deps: ['$GL', '$heapObjectForWebGLType', '$heapAccessShiftForWebGLHeap'],
  glReadPixels: function(x, y, width, height, format, type, pixels) {
    pixels >>>= 0;
    if (GLctx.currentPixelPackBufferBinding) {
      GLctx.readPixels(x, y, width, height, format, type, pixels);
    } else {
      var heap = heapObjectForWebGLType(type);
      GLctx.readPixels(x, y, width, height, format, type, heap,
                       pixels >>> heapAccessShiftForWebGLHeap(heap));
    }
  },

  glBufferData__sig: 'viiii',
  glBufferData__deps: ['$GL'],
  glBufferData: function(target, size, data, usage) {
    data >>>= 0;
    if (data) {
      GLctx.bufferData(target, HEAPU8, usage, data, size);
    } else {
      GLctx.bufferData(target, size, usage);
    }
  },

  glBufferSubData__sig: 'viiii',
  glBufferSubData__deps: ['$GL'],
  glBufferSubData: function(target, offset, size, data) {
    GLctx.bufferSubData(target, offset, HEAPU8, data >>> 0, size);
  },

  glUniformMatrix4fv__sig: 'viiii',
  glUniformMatrix4fv__deps: ['$GL', '$webglGetUniformLocation'],
  glUniformMatrix4fv: function(location, count, transpose, value) {
    GLctx.uniformMatrix4fv(webglGetUniformLocation(location), !!transpose, HEAPF32,
                           (value >>> 0) >>> 2, count * 16);
  },
});
