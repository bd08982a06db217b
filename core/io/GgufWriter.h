// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/GgufFile.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <memory>
#include <vector>

namespace mscope {

class JobControl;

/// Writes a GGUF version 3 file as llama.cpp reads it: metadata in the order added, with the
/// value types given (llama.cpp checks them strictly), then the tensor table and the tensor data,
/// each tensor padded to 32 bytes. Tensors are given as fp32 in PyTorch shape and stored as F32,
/// F16, BF16 or Q8_0 when the file is written. The file appears atomically (QSaveFile).
class GgufWriter
{
public:
    void addString(const QString &key, const QString &value);
    void addUint32(const QString &key, uint32_t value);
    void addFloat32(const QString &key, float value);
    void addBool(const QString &key, bool value);
    void addStringArray(const QString &key, const QStringList &values);
    void addInt32Array(const QString &key, const std::vector<int32_t> &values);

    /// `values` must stay valid until write() returns, unless `owned` keeps them. Throws Error
    /// for a name of 64 bytes or more, a repeated name, or Q8_0 rows that are not a multiple of
    /// 32 long.
    void addTensor(const QString &name, const std::vector<int64_t> &torchShape, const float *values,
                   GgufType storeAs, std::shared_ptr<const std::vector<float>> owned = nullptr);

    /// Throws Error(path, ...) on any I/O problem, never leaving a partial file at `path`;
    /// Cancelled when `job` is cancelled. Reports progress per tensor.
    void write(const QString &path, const JobControl *job = nullptr) const;

private:
    struct Tensor
    {
        QString name;
        std::vector<int64_t> torchShape;
        const float *values;
        GgufType type;
        std::shared_ptr<const std::vector<float>> owned;
        int64_t byteSize() const;
    };
    void addKey(const QString &key, GgufValueType type);

    QByteArray m_metadata;  // the encoded key/value records
    uint64_t m_keyCount = 0;
    QStringList m_keys;
    std::vector<Tensor> m_tensors;
};

}  // namespace mscope
