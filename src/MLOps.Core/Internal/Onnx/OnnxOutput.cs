using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;

namespace MLOps.Internal.Onnx;

/// <summary>One graph output of one predictor: a pinned buffer the predictor's I/O binding writes, read into <c>TOut</c>.</summary>
/// <remarks>A NaN in a floating-point output fails the prediction (it is counted as a prediction error), rather than being returned as a number.</remarks>
internal abstract class OnnxOutput<TOut> : IDisposable
    where TOut : class
{
    public abstract string Name { get; }

    public abstract OrtValue Value { get; }

    /// <summary>Copies the buffer into the output's property.</summary>
    /// <exception cref="InvalidPredictionException">The output holds a NaN.</exception>
    public abstract void Read(TOut output);

    /// <summary>Creates the output tensor of <paramref name="rows"/> rows for a batch (the caller disposes it); read with <see cref="ReadBatch"/>.</summary>
    public abstract OrtValue CreateBatch(int rows);

    /// <summary>Copies one row of the last batch into the output's property.</summary>
    /// <exception cref="InvalidPredictionException">The row holds a NaN.</exception>
    public abstract void ReadBatch(TOut output, int row);

    /// <summary>Releases the last batch's buffer.</summary>
    public abstract void EndBatch();

    /// <summary>
    /// Gets whether the output is written into the bound buffer <see cref="Value"/>; otherwise (strings, a ZipMap) ONNX
    /// Runtime allocates it and <see cref="ReadFrom"/> reads it.
    /// </summary>
    public virtual bool Preallocated => true;

    /// <summary>Reads an output ONNX Runtime allocated (when not <see cref="Preallocated"/>) into the output's property.</summary>
    public virtual void ReadFrom(OrtValue value, TOut output) => throw new NotSupportedException();

    public abstract void Dispose();

    public static Func<OnnxOutput<TOut>> Factory(OnnxTensor tensor) =>
        tensor.ElementType == typeof(string) ? () => new Strings(tensor) : (Func<OnnxOutput<TOut>>)typeof(OnnxOutput<TOut>).GetMethod(nameof(FactoryOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(tensor.ElementType)
            .Invoke(null, [tensor])!;

    private static Func<OnnxOutput<TOut>> FactoryOf<T>(OnnxTensor tensor)
        where T : unmanaged
    {
        if (tensor.IsVector)
        {
            Action<TOut, T[]> vector = tensor.Property.SetMethod!.CreateDelegate<Action<TOut, T[]>>();
            return () => new Vector<T>(tensor, vector);
        }

        Action<TOut, T> scalar = tensor.Property.SetMethod!.CreateDelegate<Action<TOut, T>>();
        return () => new Scalar<T>(tensor, scalar);
    }

    // The type tests are constants for each T once compiled, so the check costs nothing for integer outputs.
    private static bool IsNaN<T>(T value) =>
        (typeof(T) == typeof(float) && float.IsNaN(Unsafe.As<T, float>(ref value))) || (typeof(T) == typeof(double) && double.IsNaN(Unsafe.As<T, double>(ref value)))
        || (typeof(T) == typeof(Half) && Half.IsNaN(Unsafe.As<T, Half>(ref value)));

    private static InvalidPredictionException NaN(OnnxTensor tensor) =>
        new($"The model's output '{tensor.Name}' is NaN for this input; a NaN is not returned as a prediction.");

    private sealed class Scalar<T>(OnnxTensor tensor, Action<TOut, T> set) : OnnxOutput<TOut>
        where T : unmanaged
    {
        private readonly T[] _data = OnnxMemory.Allocate<T>(1);
        private OrtValue? _value;
        private T[]? _batch;

        public override string Name => tensor.Name;

        public override OrtValue Value => _value ??= OnnxMemory.Tensor(_data, tensor.Shape);

        public override void Read(TOut output)
        {
            T value = _data[0];
            if (IsNaN(value))
            {
                throw NaN(tensor);
            }

            set(output, value);
        }

        public override OrtValue CreateBatch(int rows)
        {
            _batch = OnnxMemory.Allocate<T>(rows);
            return OnnxMemory.Tensor(_batch, tensor.BatchShape(rows));
        }

        public override void ReadBatch(TOut output, int row)
        {
            T value = _batch![row];
            if (IsNaN(value))
            {
                throw NaN(tensor);
            }

            set(output, value);
        }

        public override void EndBatch() => _batch = null;

        public override void Dispose() => _value?.Dispose();
    }

    private sealed class Vector<T>(OnnxTensor tensor, Action<TOut, T[]> set) : OnnxOutput<TOut>
        where T : unmanaged
    {
        private readonly T[] _data = OnnxMemory.Allocate<T>(tensor.Count);
        private OrtValue? _value;
        private T[]? _batch;

        public override string Name => tensor.Name;

        public override OrtValue Value => _value ??= OnnxMemory.Tensor(_data, tensor.Shape);

        public override void Read(TOut output)
        {
            foreach (T value in _data)
            {
                if (IsNaN(value))
                {
                    throw NaN(tensor);
                }
            }

            set(output, (T[])_data.Clone());
        }

        public override OrtValue CreateBatch(int rows)
        {
            _batch = OnnxMemory.Allocate<T>(rows * _data.Length);
            return OnnxMemory.Tensor(_batch, tensor.BatchShape(rows));
        }

        public override void ReadBatch(TOut output, int row)
        {
            T[] values = _batch.AsSpan(row * _data.Length, _data.Length).ToArray();
            foreach (T value in values)
            {
                if (IsNaN(value))
                {
                    throw NaN(tensor);
                }
            }

            set(output, values);
        }

        public override void EndBatch() => _batch = null;

        public override void Dispose() => _value?.Dispose();
    }

    /// <summary>A string output, allocated by ONNX Runtime and read after the run.</summary>
    private sealed class Strings(OnnxTensor tensor) : OnnxOutput<TOut>
    {
        public override string Name => tensor.Name;

        public override OrtValue Value => throw new NotSupportedException();

        public override bool Preallocated => false;

        public override void Read(TOut output) => throw new NotSupportedException();

        public override void ReadFrom(OrtValue value, TOut output)
        {
            if (!tensor.IsVector)
            {
                tensor.Property.SetValue(output, value.GetStringElement(0));
                return;
            }

            string[] values = value.GetStringTensorAsArray();
            if (values.Length != tensor.Count)
            {
                throw new InvalidPredictionException($"The model's output '{tensor.Name}' has {values.Length} strings; {tensor.Count} were expected.");
            }

            tensor.Property.SetValue(output, values);
        }

        public override OrtValue CreateBatch(int rows) => throw new NotSupportedException();

        public override void ReadBatch(TOut output, int row) => throw new NotSupportedException();

        public override void EndBatch()
        {
        }

        public override void Dispose()
        {
        }
    }
}
