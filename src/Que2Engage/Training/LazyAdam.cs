using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Training;

/// <summary>
/// Adam that updates a parameter with a sparse gradient (the token and trigram tables built with
/// <see cref="Modeling.ModelConfig.SparseEmbeddingGradients"/>) lazily, as PyTorch's <c>SparseAdam</c> and TensorFlow's
/// <c>LazyAdam</c> do: only the rows the batch touched have their moments and values updated. Dense parameters get
/// Adam's update (the same maths as TorchSharp's Adam, in fewer passes).
/// <para>
/// Named departure from dense Adam (README, "Training speed"): with dense Adam a row the batch did not touch still has
/// its moments decayed and still moves by m̂/(√v̂+ε) from its old momentum; here it stays where it is until a batch
/// touches it again. That is what makes the step cost O(rows touched) instead of O(table) — at the paper preset the
/// tables are ~150M of the 210M parameters (issue 11). The bias correction uses the parameter's step count, as
/// PyTorch's SparseAdam does. Written here because TorchSharp 0.107 has no SparseAdam and its Adam cannot take sparse
/// gradients (addcmul_ of a sparse gradient into a dense moment is not supported).
/// </para>
/// </summary>
public sealed class LazyAdam : Adam
{
    public LazyAdam(IEnumerable<ParamGroup> groups, double lr) : base(groups, lr)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value, lr = options.LearningRate!.Value;
        if (options.weight_decay is > 0 || options.amsgrad == true || options.maximize == true)
            throw new NotSupportedException("LazyAdam supports neither weight decay, AMSGrad nor maximize");
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            state.step += 1;
            double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            double stepSize = lr / biasCorrection1;
            // Temporaries die with their parameter's update rather than at the end of the step: a 768×3072 layer's
            // temporaries then reuse the allocator's memory instead of mapping fresh pages for every parameter.
            using var parameterScope = NewDisposeScope();
            if (!grad.is_sparse)
            {
                // Adam's update with two passes over the parameter fewer than TorchSharp's Adam.step (the same maths
                // up to float rounding): m ← lerp(m, g, 1−β1) is β1·m + (1−β1)·g in one pass, and the bias
                // corrections fold into the scalars, lr/c1 · m / (√v/√c2 + ε) = (lr·√c2/c1) · m / (√v + ε·√c2).
                double rootCorrection2 = Math.Sqrt(biasCorrection2);
                state.exp_avg.lerp_(grad, 1 - beta1);
                state.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
                var denom = state.exp_avg_sq.sqrt().add_(eps * rootCorrection2);
                param.addcdiv_(state.exp_avg, denom, value: -stepSize * rootCorrection2);
                continue;
            }
            // A sparse gradient may name a row more than once (one entry per occurrence in the batch): sum per row.
            var (rows, inverse, _) = unique(grad.SparseIndices.view(-1), true, true, false);
            var values = zeros(rows.shape[0], param.shape[1], dtype: param.dtype).index_add_(0, inverse!, grad.SparseValues, 1);
            var m = state.exp_avg.index_select(0, rows).mul_(beta1).add_(values, alpha: 1 - beta1);
            var v = state.exp_avg_sq.index_select(0, rows).mul_(beta2).addcmul_(values, values, value: 1 - beta2);
            state.exp_avg.index_copy_(0, rows, m);
            state.exp_avg_sq.index_copy_(0, rows, v);
            var rowDenom = (v.sqrt() / Math.Sqrt(biasCorrection2)).add_(eps);
            param.index_add_(0, rows, m.div_(rowDenom), -stepSize);
        }
    }, closure);

    /// <summary>
    /// Dense gradients are zeroed in place (no re-allocation by the next backward); sparse ones are dropped, so that
    /// the next backward hands over a fresh sparse gradient of the rows it touches instead of adding to the last one.
    /// </summary>
    public override void zero_grad()
    {
        foreach (var group in _parameter_groups)
            foreach (var p in group.Parameters)
            {
                using var grad = p.grad;
                if (grad is null) continue;
                if (grad.is_sparse)
                    p.grad = null;
                else
                    grad.zero_();
            }
    }
}
