// Drives a running ConnectGain server with @supabase/supabase-js exactly as
// a Supabase user does: createClient(url, key), which calls /rest/v1/{table}
// with apikey and Authorization: Bearer (and Accept-Profile/Content-Profile:
// public). CG_URL is the server's base URL, CG_KEY a write key of a
// workspace seeded by api/supabasejs_test.go. Exits non-zero when a step fails.
import { createClient } from '@supabase/supabase-js'
import assert from 'node:assert/strict'

const supabase = createClient(process.env.CG_URL, process.env.CG_KEY)

const steps = []
const step = (name, fn) => steps.push([name, fn])
const ok = (r) => {
  assert.equal(r.error, null, JSON.stringify(r.error))
  return r
}

step('insert returning rows', async () => {
  const r = ok(await supabase.from('companies').insert([{ name: 'Acme', domain: 'acme.com' }, { name: 'Globex' }]).select())
  assert.equal(r.status, 201)
  assert.deepEqual(r.data.map((c) => c.name), ['Acme', 'Globex'])
  assert.equal(r.data[1].domain, null)
  const c = ok(await supabase.from('contacts')
    .insert({ first_name: 'Sara', phones: ['+20 102 000 0000'], emails: ['Sara@Example.com'], tags: ['vip'] })
    .select('first_name, phones, emails').single())
  assert.deepEqual(c.data, { first_name: 'Sara', phones: ['+201020000000'], emails: ['sara@example.com'] })
})

step('select with embedding', async () => {
  const r = ok(await supabase.from('contacts')
    .select('first_name, deals(title, value)')
    .eq('first_name', 'Ahmed')
    .order('value', { referencedTable: 'deals', ascending: false })
    .single())
  assert.deepEqual(r.data.deals, [{ title: 'Order 3', value: 300 }, { title: 'Order 2', value: 200 }, { title: 'Order 1', value: 100 }])
  const d = ok(await supabase.from('deals').select('title, contact:contacts(first_name)').eq('title', 'Order 1').single())
  assert.deepEqual(d.data, { title: 'Order 1', contact: { first_name: 'Ahmed' } })
})

step('embedded count, aliased and filtered', async () => {
  const r = ok(await supabase.from('contacts').select('first_name, deals(count)').order('first_name'))
  assert.deepEqual(r.data, [{ first_name: 'Ahmed', deals: [{ count: 3 }] }, { first_name: 'Sara', deals: [{ count: 0 }] }])
  const w = ok(await supabase.from('contacts').select('first_name, won:deals(count)').eq('won.stage', 'won').eq('first_name', 'Ahmed'))
  assert.deepEqual(w.data, [{ first_name: 'Ahmed', won: [{ count: 1 }] }])
})

step('empty embed filters without a key', async () => {
  const r = ok(await supabase.from('deals').select('title, contacts!inner()').eq('contacts.first_name', 'Ahmed').order('title').limit(1))
  assert.deepEqual(r.data, [{ title: 'Order 1' }])
})

step('order, range and count', async () => {
  const r = ok(await supabase.from('deals').select('title', { count: 'exact' }).order('value', { ascending: false }).range(0, 1))
  assert.equal(r.count, 3)
  assert.equal(r.status, 206)
  assert.deepEqual(r.data.map((d) => d.title), ['Order 3', 'Order 2'])
  const h = ok(await supabase.from('deals').select('*', { count: 'exact', head: true }))
  assert.equal(h.count, 3)
})

step('contains on phones', async () => {
  const r = ok(await supabase.from('contacts').select('first_name').contains('phones', ['+201017177777']))
  assert.deepEqual(r.data, [{ first_name: 'Ahmed' }])
})

step('update', async () => {
  const r = ok(await supabase.from('deals').update({ stage: 'PROPOSAL', probability: 60 }).eq('title', 'Order 1').select('stage, probability'))
  assert.deepEqual(r.data, [{ stage: 'proposal', probability: 60 }])
  const h = ok(await supabase.from('deal_stage_changes').select('to_stage, deals!inner(title)').eq('deals.title', 'Order 1'))
  assert.deepEqual(h.data, [{ to_stage: 'proposal', deals: { title: 'Order 1' } }])
})

step('delete', async () => {
  const r = ok(await supabase.from('companies').delete().eq('name', 'Globex').select('name'))
  assert.deepEqual(r.data, [{ name: 'Globex' }])
  const left = ok(await supabase.from('companies').select('name'))
  assert.deepEqual(left.data, [{ name: 'Acme' }])
})

step('bulk endpoint through rpc', async () => {
  const r = ok(await supabase.rpc('create_deals_bulk', {
    dry_run: true,
    deals: [{ title: 'Order 4', value: 400, contact_phone: '+201017177777' }],
  }))
  assert.equal(r.status, 200)
  assert.equal(r.data.dry_run, true)
  assert.equal(r.data.results[0].matched_by, 'phone')
})

step('errors', async () => {
  const table = await supabase.from('nope').select('*')
  assert.equal(table.status, 404)
  assert.equal(table.error.code, 'PGRST205')
  const col = await supabase.from('deals').select('nope')
  assert.equal(col.status, 400)
  assert.equal(col.error.code, '42703')
  const value = await supabase.from('deals').insert({ title: 'x', value: '11523.00' })
  assert.equal(value.status, 400)
  assert.equal(value.error.code, 'invalid_value')
  const single = await supabase.from('deals').select('id').single()
  assert.equal(single.error.code, 'PGRST116')
  const unfiltered = await supabase.from('deals').delete()
  assert.equal(unfiltered.error.code, '21000')
  const schema = await supabase.schema('private').from('deals').select('*')
  assert.equal(schema.status, 406)
  assert.equal(schema.error.code, 'PGRST106')
  assert.equal(schema.error.message, 'Invalid schema: private')
  const bad = createClient(process.env.CG_URL, 'cg_not_a_key')
  const denied = await bad.from('deals').select('*')
  assert.equal(denied.status, 401)
})

step('Swagger 2.0 at the root, as PostgREST', async () => {
  const res = await fetch(process.env.CG_URL + '/rest/v1/', { headers: { apikey: process.env.CG_KEY } })
  assert.equal(res.status, 200)
  const doc = await res.json()
  assert.equal(doc.swagger, '2.0')
  assert.ok(doc.definitions.deals.properties.contact_id.description.includes("<fk table='contacts' column='id'/>"))
  assert.ok(doc.paths['/deals'].get)
})

let failed = 0
for (const [name, fn] of steps) {
  try {
    await fn()
    console.log('ok   ' + name)
  } catch (e) {
    failed++
    console.log('FAIL ' + name + ': ' + (e && e.message))
  }
}
if (failed) {
  console.log(failed + ' of ' + steps.length + ' steps failed')
  process.exit(1)
}
console.log('all ' + steps.length + ' steps passed')
