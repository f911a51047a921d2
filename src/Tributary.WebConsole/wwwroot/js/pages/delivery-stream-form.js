// Create a delivery stream: Firehose's console sections (source; transform and convert; destination; buffer
// hints, compression and encryption). The form builds a CreateDeliveryStream request; the server validates it
// exactly as the Firehose API does and each member error is shown beside its field.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors } from '../ui.js';
import { navigate } from '../app.js';

const ROLE = 'arn:aws:iam::000000000000:role/firehose-delivery';
const DEST = 'extendedS3DestinationConfiguration';

export async function render(main) {
  document.title = 'Create a delivery stream · Tributary';
  const input = (name, attributes = {}) => h('input', { name, autocomplete: 'off', ...attributes });
  const f = {
    name: input('name'),
    type: h('select', { name: 'type' }, h('option', { value: 'MSKAsSource' }, 'A topic (Amazon MSK source)'), h('option', { value: 'DirectPut' }, 'Direct PUT'), h('option', { value: 'KinesisStreamAsSource' }, 'A Kinesis stream')),
    topic: input('topic'),
    cluster: input('cluster', { value: 'arn:aws:kafka:us-east-1:000000000000:cluster/tributary/embedded' }),
    kinesis: input('kinesis', { placeholder: 'arn:aws:kinesis:us-east-1:000000000000:stream/NAME' }),
    convert: h('select', { name: 'convert' }, h('option', { value: '' }, 'No conversion'), h('option', { value: 'parquet' }, 'JSON → Apache Parquet'), h('option', { value: 'orc' }, 'JSON → Apache ORC')),
    database: input('database'),
    table: input('table'),
    bucket: input('bucket', { placeholder: 'arn:aws:s3:::my-bucket' }),
    prefix: input('prefix'),
    errorPrefix: input('errorPrefix'),
    size: input('size', { type: 'number', value: '5' }),
    interval: input('interval', { type: 'number', value: '300' }),
    compression: h('select', { name: 'compression' }, ['UNCOMPRESSED', 'GZIP', 'ZIP', 'Snappy', 'HADOOP_SNAPPY'].map((c) => h('option', { value: c }, c))),
    encryption: h('select', { name: 'encryption' }, h('option', { value: '' }, 'No server-side encryption'), h('option', { value: 'AWS_OWNED_CMK' }, 'AWS owned key')),
    role: input('role', { value: ROLE }),
  };
  const form = h('form', { 'aria-labelledby': 'create-stream-heading', novalidate: true },
    h('h1', { id: 'create-stream-heading' }, 'Create a delivery stream'),
    h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }),
    h('fieldset', null, h('legend', null, 'Source'),
      h('div', { class: 'grid2' },
        field('Delivery stream name', f.name, 'deliveryStreamName'),
        field('Source', f.type, 'deliveryStreamType'),
        field('Topic', f.topic, 'mSKSourceConfiguration.topicName', 'For a topic source.'),
        field('Cluster ARN', f.cluster, 'mSKSourceConfiguration.mSKClusterARN'),
        field('Kinesis stream ARN', f.kinesis, 'kinesisStreamSourceConfiguration.kinesisStreamARN', 'For a Kinesis source.'))),
    h('fieldset', null, h('legend', null, 'Transform and convert records'),
      h('div', { class: 'grid2' },
        field('Record format conversion', f.convert, `${DEST}.dataFormatConversionConfiguration`),
        field('Glue database', f.database, `${DEST}.dataFormatConversionConfiguration.schemaConfiguration.databaseName`, 'The table that gives the schema.'),
        field('Glue table', f.table, `${DEST}.dataFormatConversionConfiguration.schemaConfiguration.tableName`))),
    h('fieldset', null, h('legend', null, 'Destination settings'),
      h('div', { class: 'grid2' },
        field('S3 bucket ARN', f.bucket, `${DEST}.bucketARN`),
        field('Prefix', f.prefix, `${DEST}.prefix`, 'Expressions such as !{timestamp:yyyy/MM/dd/} are allowed.'),
        field('Error output prefix', f.errorPrefix, `${DEST}.errorOutputPrefix`),
        field('IAM role ARN', f.role, `${DEST}.roleARN`, 'Recorded as given; Tributary does not assume roles.'))),
    h('fieldset', null, h('legend', null, 'Buffer hints, compression and encryption'),
      h('div', { class: 'grid2' },
        field('Buffer size (MiB)', f.size, `${DEST}.bufferingHints.sizeInMBs`, '1–128; 64 or more with conversion.'),
        field('Buffer interval (seconds)', f.interval, `${DEST}.bufferingHints.intervalInSeconds`, '0–900.'),
        field('Compression', f.compression, `${DEST}.compressionFormat`),
        field('Server-side encryption', f.encryption, 'deliveryStreamEncryptionConfigurationInput.keyType'))),
    h('button', { type: 'submit' }, 'Create delivery stream'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('/delivery-streams', { method: 'POST', body: request(f) });
      await navigate(`/console/delivery-streams/${encodeURIComponent(f.name.value)}`);
    } catch (error) {
      showErrors(form, error);
    }
  });
  replace(main, form);
  f.name.focus();
}

/** The CreateDeliveryStream request the form describes (members left empty are left out, so the server's defaults apply). */
function request(f) {
  const destination = {
    RoleARN: f.role.value,
    BucketARN: f.bucket.value,
    BufferingHints: { SizeInMBs: Number(f.size.value), IntervalInSeconds: Number(f.interval.value) },
    CompressionFormat: f.compression.value,
  };
  if (f.prefix.value) destination.Prefix = f.prefix.value;
  if (f.errorPrefix.value) destination.ErrorOutputPrefix = f.errorPrefix.value;
  if (f.convert.value) {
    destination.DataFormatConversionConfiguration = {
      Enabled: true,
      InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
      OutputFormatConfiguration: { Serializer: f.convert.value === 'orc' ? { OrcSerDe: {} } : { ParquetSerDe: {} } },
      SchemaConfiguration: { DatabaseName: f.database.value, TableName: f.table.value, RoleARN: f.role.value },
    };
  }
  const body = { DeliveryStreamName: f.name.value, DeliveryStreamType: f.type.value, ExtendedS3DestinationConfiguration: destination };
  if (f.type.value === 'MSKAsSource') {
    body.MSKSourceConfiguration = { MSKClusterARN: f.cluster.value, TopicName: f.topic.value, AuthenticationConfiguration: { RoleARN: f.role.value, Connectivity: 'PUBLIC' } };
  }
  if (f.type.value === 'KinesisStreamAsSource') {
    body.KinesisStreamSourceConfiguration = { KinesisStreamARN: f.kinesis.value, RoleARN: f.role.value };
  }
  if (f.encryption.value) body.DeliveryStreamEncryptionConfigurationInput = { KeyType: f.encryption.value };
  return body;
}
