// A minimal subset of onnx.proto, enough to build small ONNX graphs in memory (the static-model
// graph, and the tiny BERT-shaped test model). Serialised with protobufjs; no varints by hand.
import protobuf from 'protobufjs';

const ONNX_PROTO = `
syntax = "proto2";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; }
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  optional AttributeType type = 20;
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string domain = 7;
}
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
`;

let modelType: protobuf.Type | null = null;
function getModelType(): protobuf.Type {
  if (!modelType) modelType = protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/** ONNX TensorProto.DataType values used here. */
export const DType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;
export type DTypeCode = (typeof DType)[keyof typeof DType];

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, number | number[] | { floats: number[] } | { int: number } | { float: number }>;
}
export interface OnnxValue {
  name: string;
  type: DTypeCode;
  /** Dimensions: a number for a fixed size, a string for a symbolic one. */
  shape: Array<number | string>;
}
export interface OnnxInitializer {
  name: string;
  type: DTypeCode;
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

function attribute(name: string, v: NonNullable<OnnxNode['attrs']>[string]): Record<string, unknown> {
  if (typeof v === 'number') {
    return Number.isInteger(v) ? { name, type: 2, i: v } : { name, type: 1, f: v };
  }
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if ('floats' in v) return { name, type: 6, floats: v.floats };
  if ('int' in v) return { name, type: 2, i: v.int };
  return { name, type: 1, f: v.float };
}

function valueInfo(v: OnnxValue): Record<string, unknown> {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: v.type,
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

/** Serialises a single-graph ONNX model (default opset 17, IR version 8) to bytes. */
export function buildOnnxModel(spec: {
  name: string;
  nodes: OnnxNode[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  initializers: OnnxInitializer[];
  opset?: number;
}): Uint8Array {
  const T = getModelType();
  const model = {
    ir_version: 8,
    producer_name: 'tastegraph',
    opset_import: [{ domain: '', version: spec.opset ?? 17 }],
    graph: {
      name: spec.name,
      node: spec.nodes.map((n, i) => ({
        name: `${n.op}_${i}`,
        op_type: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: spec.initializers.map((t) => ({
        name: t.name,
        data_type: t.type,
        dims: t.dims,
        raw_data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      })),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  };
  const err = T.verify(model);
  if (err) throw new Error(`internal: invalid ONNX model spec: ${err}`);
  return T.encode(T.fromObject(model)).finish();
}
