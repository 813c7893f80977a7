"""The spiral network of benches/spiral-mlp.toml in numpy, the way students
write it in a notebook (CS231n's "putting it together" example): 300 points,
100 ReLU units, 3 classes, softmax + L2 (reg 1e-3), step size 1, full batch.
Prints the training time in seconds, then the final loss and accuracy.
Run by `cargo bench` to compare; `python3 benches/spiral_numpy.py 10000`."""

import sys
import time

import numpy as np

N, D, K, H = 100, 2, 3, 100
iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
rng = np.random.default_rng(0)
X = np.zeros((N * K, D))
y = np.zeros(N * K, dtype=int)
for j in range(K):
    ix = range(N * j, N * (j + 1))
    r = np.linspace(0.0, 1, N)
    t = np.linspace(j * 4, (j + 1) * 4, N) + rng.standard_normal(N) * 0.2
    X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
    y[ix] = j

W = 0.01 * rng.standard_normal((D, H))
b = np.zeros((1, H))
W2 = 0.01 * rng.standard_normal((H, K))
b2 = np.zeros((1, K))
step, reg = 1.0, 1e-3
n = X.shape[0]

start = time.perf_counter()
for i in range(iterations):
    hidden = np.maximum(0, X.dot(W) + b)
    scores = hidden.dot(W2) + b2
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs = exp / exp.sum(axis=1, keepdims=True)
    loss = -np.log(probs[range(n), y]).mean() + 0.5 * reg * (np.sum(W * W) + np.sum(W2 * W2))
    dscores = probs
    dscores[range(n), y] -= 1
    dscores /= n
    dW2 = hidden.T.dot(dscores) + reg * W2
    db2 = dscores.sum(axis=0, keepdims=True)
    dhidden = dscores.dot(W2.T)
    dhidden[hidden <= 0] = 0
    dW = X.T.dot(dhidden) + reg * W
    db = dhidden.sum(axis=0, keepdims=True)
    W -= step * dW
    b -= step * db
    W2 -= step * dW2
    b2 -= step * db2
elapsed = time.perf_counter() - start
hidden = np.maximum(0, X.dot(W) + b)
accuracy = np.mean(np.argmax(hidden.dot(W2) + b2, axis=1) == y)
print(f"{elapsed:.4f} {loss:.4f} {accuracy:.3f}")
