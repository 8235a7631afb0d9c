namespace Que2Engage.Modeling.Pretrained;

/// <summary>Named float32 tensors of a pretrained encoder (a safetensors file, an ONNX model's initializers).</summary>
public interface IPretrainedCheckpoint
{
    /// <summary>The file the tensors come from (for messages).</summary>
    string Path { get; }
    bool Contains(string name);
    /// <exception cref="InvalidInputException">No such tensor.</exception>
    long[] Shape(string name);
    /// <summary>Row-major float32 values.</summary>
    /// <exception cref="InvalidInputException">No such tensor, or not a float tensor.</exception>
    float[] ReadFloat32(string name);
}
