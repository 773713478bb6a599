using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MLOps.Internal.Onnx;

/// <summary>The managed buffers the predictors bind to ONNX Runtime, and the tensors over them.</summary>
internal static class OnnxMemory
{
    /// <summary>Allocates a buffer; a <see cref="Half"/> buffer is pinned for good (the pinned object heap), since it is handed over by address.</summary>
    public static T[] Allocate<T>(int length)
        where T : unmanaged =>
        typeof(T) == typeof(Half) ? GC.AllocateArray<T>(length, pinned: true) : new T[length];

    /// <summary>Creates a tensor over <paramref name="data"/> (allocated by <see cref="Allocate{T}"/>), without copying.</summary>
    public static OrtValue Tensor<T>(T[] data, long[] shape)
        where T : unmanaged
    {
        if (typeof(T) != typeof(Half))
        {
            return OrtValue.CreateTensorValueFromMemory(data, shape);
        }

        // ONNX Runtime knows its own Float16 type, not System.Half; both are IEEE 754 binary16, so the pinned buffer is
        // handed over as float16 by address.
        return OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance, TensorElementType.Float16, shape, Marshal.UnsafeAddrOfPinnedArrayElement(data, 0), data.Length * 2L);
    }
}
