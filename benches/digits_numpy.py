"""The digits lesson's softmax regression in numpy, as a notebook would
write it: minibatches of 100 images (rows of 784 pixels), W 784x10, b 10,
step size 0.5, L2 1e-4, 300 iterations. `cargo bench` writes the lesson's
own images and starting W (raw little-endian float64, column-major as the
engine holds them) to a folder and runs `python3 digits_numpy.py FOLDER`.
Prints the training time in seconds, the last minibatch loss and the
accuracy on the 500 held-out images."""

import sys
import time

import numpy as np

folder = sys.argv[1]
D, N, M, K = 784, 1000, 500, 10
iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 300
X = np.fromfile(f"{folder}/X.f64", dtype="<f8").reshape(N, D)  # a row per image
y = np.fromfile(f"{folder}/y.f64", dtype="<f8").astype(int)
T = np.fromfile(f"{folder}/T.f64", dtype="<f8").reshape(M, D)
t = np.fromfile(f"{folder}/t.f64", dtype="<f8").astype(int)
W = np.fromfile(f"{folder}/W.f64", dtype="<f8").reshape(K, D).T.copy()
b = np.zeros((1, K))
step, reg, batch = 0.5, 1e-4, 100
rng = np.random.default_rng(4)

start = time.perf_counter()
for i in range(iterations):
    idx = rng.choice(N, batch, replace=False)
    Xb, yb = X[idx], y[idx]
    scores = Xb.dot(W) + b
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs = exp / exp.sum(axis=1, keepdims=True)
    loss = -np.log(probs[range(batch), yb]).mean() + 0.5 * reg * np.sum(W * W)
    dscores = probs
    dscores[range(batch), yb] -= 1
    dscores /= batch
    dW = Xb.T.dot(dscores) + reg * W
    db = dscores.sum(axis=0, keepdims=True)
    W -= step * dW
    b -= step * db
elapsed = time.perf_counter() - start
accuracy = np.mean(np.argmax(T.dot(W) + b, axis=1) == t)
print(f"{elapsed:.4f} {loss:.4f} {accuracy:.3f}")
