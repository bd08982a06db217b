// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/SafetensorsFile.h"

#include <QString>
#include <memory>
#include <vector>

namespace mscope {

/// A tensor widened to fp32. When stored F32 (and 4-byte aligned) `data` points straight into the
/// file mapping (zero copy); otherwise the converted values live in `owned`, or in memory the
/// caller gave (then `owned` is empty and the caller keeps that memory alive).
struct FloatTensor
{
    const float *data = nullptr;
    std::vector<int64_t> shape;
    std::shared_ptr<const std::vector<float>> owned;
    int64_t elementCount() const;
    /// Points `data` at `destination`, or at a new vector of `count` floats the tensor owns when
    /// there is none, and returns that place for a reader to write the values to.
    float *placeValues(std::size_t count, float *destination);
};

/// The weights of a model directory: either one `model.safetensors` or the shards listed in
/// `model.safetensors.index.json` ({"weight_map": {tensor: file}}). Keeps the files mapped.
class Checkpoint
{
public:
    /// Throws Error naming the directory or file when there is no safetensors file, the
    /// index is invalid JSON, names a missing shard, or a tensor appears in two shards.
    explicit Checkpoint(const QString &modelDir);

    QString directory() const { return m_dir; }
    /// Every tensor name over all shards, sorted.
    QStringList tensorNames() const;
    bool contains(const QString &name) const;
    /// The file a tensor lives in (for error messages).
    QString fileOf(const QString &name) const;
    const TensorInfo &tensor(const QString &name) const;  // throws Error when missing

    /// The tensor as fp32. `expectedShape` (when not empty) must match exactly, else Error
    /// "tensor NAME has shape [a, b], expected [c, d] from config.json". Missing tensor: Error
    /// naming the checkpoint file(s). Trailing singleton dims are NOT squeezed: pass the real
    /// shape. With a `destination` (room for the tensor's element count), the values are written
    /// there whatever the storage, and the mapped pages they came from leave the resident set.
    FloatTensor floatTensor(const QString &name, const std::vector<int64_t> &expectedShape = {},
                            float *destination = nullptr) const;

    /// Total bytes of tensor data over all shards (for the memory check before loading).
    qint64 totalTensorBytes() const;
    /// The storage type most tensor elements use (for `info`).
    StorageType dominantStorageType() const;

private:
    /// Maps the files; `blame` is named when a tensor turns up in two of them.
    void addFiles(const QStringList &paths, const QString &blame);
    void loadIndex(const QString &indexPath);

    QString m_dir;
    QString m_source;  // what names the tensors: model.safetensors, the index, or the directory
    std::vector<std::unique_ptr<SafetensorsFile>> m_files;
    QHash<QString, int> m_fileOfTensor;
};

}  // namespace mscope
